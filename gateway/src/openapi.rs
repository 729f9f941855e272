//! The OpenAPI 3.1 document, generated from the same descriptors and bindings as the
//! routes: paths and parameters from the `google.api.http` rules, schemas from the messages
//! (in the proto3 JSON mapping the transcoder speaks), descriptions from the proto comments,
//! the one error body, and the two ways to authenticate.

use std::collections::BTreeMap;

use prost_reflect::{FieldDescriptor, FileDescriptor, Kind, MessageDescriptor};
use serde_json::{Map, Value, json};

use crate::transcode::{Api, Binding, rules::BodyTarget};

const PACKAGE_PREFIX: &str = "decentra.v1.";

/// The whole document.
pub fn document(api: &Api) -> Value {
    let mut schemas = Schemas::default();
    let mut paths: BTreeMap<String, Map<String, Value>> = BTreeMap::new();
    for b in &api.bindings {
        let op = operation(b, &mut schemas);
        paths
            .entry(b.template.clone())
            .or_default()
            .insert(b.http_method.as_str().to_ascii_lowercase(), op);
    }
    let mut components = schemas.done();
    components.insert(
        "Error".to_owned(),
        json!({
            "type": "object",
            "description": "Every error: the gRPC code name, a message, and for invalid input one entry per offending field.",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string", "examples": ["INVALID_ARGUMENT", "NOT_FOUND"]},
                "message": {"type": "string"},
                "fields": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["field", "description"],
                        "properties": {
                            "field": {"type": "string"},
                            "description": {"type": "string"}
                        }
                    }
                }
            }
        }),
    );
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Decentra API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "The REST form of the Decentra gRPC API, generated from its proto files: the same services, rules and errors. Field names are the proto names; 64-bit integers travel as strings and timestamps as RFC 3339 text (the proto3 JSON mapping). Server-streaming RPCs are Server-Sent Events.",
            "license": {"name": "AGPL-3.0-or-later", "identifier": "AGPL-3.0-or-later"}
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": components,
            "responses": {
                "Error": {
                    "description": "The request was refused; the status follows the gRPC code.",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
                }
            },
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "JWT",
                    "description": "`Authorization: Bearer <access_token>` from register, login or refresh."
                },
                "bot": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "Authorization",
                    "description": "`Authorization: Bot <token>` with a bot's token."
                }
            }
        },
        "security": [{"bearer": []}, {"bot": []}]
    })
}

/// The leading comment of the element at `path` in `file`, trimmed.
fn comment(file: &FileDescriptor, path: &[i32]) -> Option<String> {
    let info = file.file_descriptor_proto().source_code_info.as_ref()?;
    let loc = info.location.iter().find(|l| l.path == path)?;
    let text = loc.leading_comments.as_deref()?;
    let text = text
        .lines()
        .map(str::trim)
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_owned();
    (!text.is_empty()).then_some(text)
}

fn operation(b: &Binding, schemas: &mut Schemas) -> Value {
    let m = &b.method;
    let service = m.parent_service().name().to_owned();
    let description = comment(&m.parent_file(), m.path()).unwrap_or_default();
    let summary = description
        .split(['.', '\n'])
        .next()
        .unwrap_or_default()
        .to_owned();
    let mut parameters: Vec<Value> = b
        .path_fields
        .iter()
        .map(|f| {
            json!({
                "name": f.name(),
                "in": "path",
                "required": true,
                "description": comment(&f.parent_file(), f.path()).unwrap_or_default(),
                "schema": schemas.field(f),
            })
        })
        .collect();
    for f in b.query_fields() {
        parameters.push(json!({
            "name": f.name(),
            "in": "query",
            "required": false,
            "description": comment(&f.parent_file(), f.path()).unwrap_or_default(),
            "schema": schemas.field(&f),
        }));
    }
    if m.is_server_streaming() {
        parameters.push(json!({
            "name": "Last-Event-ID",
            "in": "header",
            "required": false,
            "description": "Resume after this event (the `cursor` of the last event received).",
            "schema": {"type": "string"},
        }));
    }
    let mut op = json!({
        "operationId": format!("{service}_{}", m.name()),
        "tags": [service],
        "summary": summary,
        "description": description,
        "parameters": parameters,
    });
    let body_schema = match &b.body {
        BodyTarget::None => None,
        BodyTarget::All => Some(schemas.body(&m.input(), b)),
        BodyTarget::Field(f) => Some(schemas.field(f)),
    };
    if let Some(schema) = body_schema {
        op["requestBody"] = json!({
            "required": false,
            "content": {"application/json": {"schema": schema}},
        });
    }
    let ok = if m.is_server_streaming() {
        json!({
            "description": format!(
                "A stream of Server-Sent Events: each `data` is a {} in JSON, each `id` its cursor.",
                short(m.output().full_name())
            ),
            "content": {"text/event-stream": {"schema": {"type": "string"}}},
        })
    } else {
        let schema = match &b.response_body {
            Some(f) => schemas.field(f),
            None => schemas.message(&m.output()),
        };
        json!({
            "description": "OK",
            "content": {"application/json": {"schema": schema}},
        })
    };
    let mut responses = Map::new();
    responses.insert("200".to_owned(), ok);
    let mut codes = vec!["400", "404", "409", "422", "429", "500"];
    let public = b.is_public();
    if !public {
        codes.extend(["401", "403"]);
    }
    codes.sort_unstable();
    for c in codes {
        responses.insert(
            c.to_owned(),
            json!({"$ref": "#/components/responses/Error"}),
        );
    }
    op["responses"] = Value::Object(responses);
    if public {
        op["security"] = json!([]);
    }
    op
}

fn short(full: &str) -> &str {
    full.strip_prefix(PACKAGE_PREFIX).unwrap_or(full)
}

/// Component schemas, each message once.
#[derive(Default)]
struct Schemas {
    done: BTreeMap<String, Value>,
}

impl Schemas {
    fn done(self) -> Map<String, Value> {
        self.done.into_iter().collect()
    }

    /// A `$ref` to `desc`'s schema (well-known types inline).
    fn message(&mut self, desc: &MessageDescriptor) -> Value {
        match desc.full_name() {
            "google.protobuf.Timestamp" => {
                return json!({"type": "string", "format": "date-time"});
            }
            "google.protobuf.Duration" => {
                return json!({"type": "string", "pattern": "^-?[0-9]+(\\.[0-9]+)?s$"});
            }
            "google.protobuf.Empty" => return json!({"type": "object"}),
            _ => {}
        }
        let name = short(desc.full_name()).to_owned();
        if !self.done.contains_key(&name) {
            // Placeholder first, so recursive messages terminate.
            self.done.insert(name.clone(), Value::Null);
            let schema = self.object(desc, |_| true);
            self.done.insert(name.clone(), schema);
        }
        json!({"$ref": format!("#/components/schemas/{name}")})
    }

    /// The body of a `body: "*"` rule: the request without its path fields.
    fn body(&mut self, desc: &MessageDescriptor, b: &Binding) -> Value {
        if b.path_fields.is_empty() {
            return self.message(desc);
        }
        let name = format!("{}Body", short(desc.full_name()));
        if !self.done.contains_key(&name) {
            self.done.insert(name.clone(), Value::Null);
            let schema = self.object(desc, |f| !b.in_path(f));
            self.done.insert(name.clone(), schema);
        }
        json!({"$ref": format!("#/components/schemas/{name}")})
    }

    fn object(
        &mut self,
        desc: &MessageDescriptor,
        keep: impl Fn(&FieldDescriptor) -> bool,
    ) -> Value {
        let mut props = Map::new();
        for f in desc.fields().filter(|f| keep(f)) {
            let mut schema = self.field(&f);
            if let Some(text) = comment(&f.parent_file(), f.path())
                && let Value::Object(o) = &mut schema
                && !o.contains_key("$ref")
            {
                o.insert("description".to_owned(), Value::String(text));
            }
            props.insert(f.name().to_owned(), schema);
        }
        let mut schema = json!({
            "type": "object",
            "properties": props,
            "additionalProperties": false,
        });
        if let Some(text) = comment(&desc.parent_file(), desc.path()) {
            schema["description"] = Value::String(text);
        }
        schema
    }

    /// A field's schema in the proto3 JSON mapping.
    fn field(&mut self, f: &FieldDescriptor) -> Value {
        if f.is_map() {
            let Some(entry) = f.kind().as_message().cloned() else {
                return json!({"type": "object"});
            };
            let value = entry.map_entry_value_field();
            return json!({"type": "object", "additionalProperties": self.single(&value)});
        }
        let one = self.single(f);
        if f.is_list() {
            json!({"type": "array", "items": one})
        } else {
            one
        }
    }

    fn single(&mut self, f: &FieldDescriptor) -> Value {
        match f.kind() {
            Kind::String => json!({"type": "string"}),
            Kind::Bool => json!({"type": "boolean"}),
            Kind::Int32 | Kind::Sint32 | Kind::Sfixed32 => {
                json!({"type": "integer", "format": "int32"})
            }
            Kind::Uint32 | Kind::Fixed32 => {
                json!({"type": "integer", "format": "int64", "minimum": 0, "maximum": 4294967295u64})
            }
            Kind::Int64 | Kind::Sint64 | Kind::Sfixed64 => {
                json!({"type": "string", "format": "int64", "pattern": "^-?[0-9]+$"})
            }
            Kind::Uint64 | Kind::Fixed64 => {
                json!({"type": "string", "format": "uint64", "pattern": "^[0-9]+$"})
            }
            Kind::Float | Kind::Double => json!({"type": "number"}),
            Kind::Bytes => json!({"type": "string", "contentEncoding": "base64"}),
            Kind::Enum(e) => json!({
                "type": "string",
                "enum": e.values().map(|v| v.name().to_owned()).collect::<Vec<_>>(),
            }),
            Kind::Message(m) => self.message(&m),
        }
    }
}
