//! HTTP → request message: the JSON body (proto3 JSON mapping), then path variables, then
//! query parameters. Every refusal names the field, and none of them is a panic.

use base64::Engine;
use prost_reflect::{
    DeserializeOptions, DynamicMessage, FieldDescriptor, Kind, MessageDescriptor, Value,
};

use super::rules::{Binding, BodyTarget};

/// Why a request could not become a message: the field (as the client spelled it) and why.
#[derive(Debug)]
pub struct Invalid {
    pub field: String,
    pub description: String,
}

impl Invalid {
    fn new(field: impl Into<String>, description: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            description: description.into(),
        }
    }
}

/// Builds the request message of `binding` from the parts of an HTTP request.
pub fn build(
    binding: &Binding,
    path: &[(String, String)],
    query: Option<&str>,
    body: &[u8],
) -> Result<DynamicMessage, Invalid> {
    let input = binding.method.input();
    let mut msg = match &binding.body {
        BodyTarget::All => json_message(&input, body)?,
        BodyTarget::Field(field) => {
            let mut msg = DynamicMessage::new(input.clone());
            if let Some(desc) = field.kind().as_message() {
                let value = json_message(desc, body)?;
                msg.try_set_field(field, Value::Message(value))
                    .map_err(|e| Invalid::new(field.name(), e.to_string()))?;
            } else if !body.is_empty() {
                return Err(Invalid::new(field.name(), "must be a JSON object"));
            }
            msg
        }
        BodyTarget::None => DynamicMessage::new(input.clone()),
    };

    for field in &binding.path_fields {
        let raw = path
            .iter()
            .find_map(|(k, v)| (k == field.name()).then_some(v.as_str()))
            .ok_or_else(|| Invalid::new(field.name(), "missing from the path"))?;
        let value = scalar(field, raw)?;
        msg.try_set_field(field, value)
            .map_err(|e| Invalid::new(field.name(), e.to_string()))?;
    }

    let query_fields = binding.query_fields();
    for (key, raw) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        let field = query_fields
            .iter()
            .find(|f| f.name() == key || f.json_name() == key)
            .ok_or_else(|| Invalid::new(key.as_ref(), "unknown query parameter"))?;
        let value = scalar(field, &raw)?;
        if field.is_list() {
            match msg.get_field_mut(field) {
                Value::List(list) => list.push(value),
                _ => return Err(Invalid::new(field.name(), "not a list")),
            }
        } else {
            msg.try_set_field(field, value)
                .map_err(|e| Invalid::new(field.name(), e.to_string()))?;
        }
    }
    Ok(msg)
}

/// A JSON object as `desc` (an empty body is an empty message). Unknown fields, wrong types
/// and malformed JSON are refused with the path of the offending field.
fn json_message(desc: &MessageDescriptor, body: &[u8]) -> Result<DynamicMessage, Invalid> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(DynamicMessage::new(desc.clone()));
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    let mut track = serde_path_to_error::Track::new();
    let options = DeserializeOptions::new().deny_unknown_fields(true);
    let result = DynamicMessage::deserialize_with_options(
        desc.clone(),
        serde_path_to_error::Deserializer::new(&mut de, &mut track),
        &options,
    )
    .and_then(|m| de.end().map(|()| m));
    result.map_err(|e| {
        let path = track.path().to_string();
        let message = e.to_string();
        let field = if path == "." || path.is_empty() {
            unknown_field(&message).unwrap_or_else(|| "body".to_owned())
        } else {
            path
        };
        Invalid::new(field, message)
    })
}

/// An unknown field is named only in the error's text ("unrecognized field name 'x'").
fn unknown_field(message: &str) -> Option<String> {
    let (_, rest) = message.split_once("unrecognized field name '")?;
    Some(rest.split_once('\'')?.0.to_owned())
}

/// A path or query value as `field`'s type. Messages cannot be given this way.
fn scalar(field: &FieldDescriptor, raw: &str) -> Result<Value, Invalid> {
    let bad = |what: &str| Invalid::new(field.name(), format!("{raw:?} is not {what}"));
    Ok(match field.kind() {
        Kind::String => Value::String(raw.to_owned()),
        Kind::Bool => match raw {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => return Err(bad("true or false")),
        },
        Kind::Int32 | Kind::Sint32 | Kind::Sfixed32 => {
            Value::I32(raw.parse().map_err(|_| bad("a 32-bit integer"))?)
        }
        Kind::Int64 | Kind::Sint64 | Kind::Sfixed64 => {
            Value::I64(raw.parse().map_err(|_| bad("a 64-bit integer"))?)
        }
        Kind::Uint32 | Kind::Fixed32 => {
            Value::U32(raw.parse().map_err(|_| bad("an unsigned 32-bit integer"))?)
        }
        Kind::Uint64 | Kind::Fixed64 => {
            Value::U64(raw.parse().map_err(|_| bad("an unsigned 64-bit integer"))?)
        }
        Kind::Float => Value::F32(raw.parse().map_err(|_| bad("a number"))?),
        Kind::Double => Value::F64(raw.parse().map_err(|_| bad("a number"))?),
        Kind::Bytes => Value::Bytes(
            base64::engine::general_purpose::STANDARD
                .decode(raw)
                .or_else(|_| base64::engine::general_purpose::URL_SAFE.decode(raw))
                .map_err(|_| bad("base64"))?
                .into(),
        ),
        Kind::Enum(e) => {
            let number = e
                .get_value_by_name(raw)
                .map(|v| v.number())
                .or_else(|| {
                    raw.parse::<i32>()
                        .ok()
                        .filter(|n| e.get_value(*n).is_some())
                })
                .ok_or_else(|| bad(&format!("a {} value", e.name())))?;
            Value::EnumNumber(number)
        }
        Kind::Message(_) => {
            return Err(Invalid::new(
                field.name(),
                "cannot be given in the path or query",
            ));
        }
    })
}
