//! The route table: one [`Binding`] per `google.api.http` rule (and each of its
//! `additional_bindings`) found on the methods of the compiled descriptor set.

use axum::http::Method;
use prost_reflect::{DescriptorPool, DynamicMessage, FieldDescriptor, MethodDescriptor, Value};

/// Where the HTTP body goes in the request message.
#[derive(Debug, Clone)]
pub enum BodyTarget {
    /// No body: every field not in the path is a query parameter.
    None,
    /// `body: "*"`: every field not in the path comes from the JSON body.
    All,
    /// `body: "field"`: that field is the JSON body; the rest are query parameters.
    Field(FieldDescriptor),
}

/// One HTTP route of one RPC.
#[derive(Debug, Clone)]
pub struct Binding {
    pub method: MethodDescriptor,
    pub http_method: Method,
    /// The path template as written in the proto, e.g. `/api/v1/servers/{server_id}`.
    pub template: String,
    /// The request fields bound by the path, in order.
    pub path_fields: Vec<FieldDescriptor>,
    pub body: BodyTarget,
    /// `response_body`: the response field sent instead of the whole response.
    pub response_body: Option<FieldDescriptor>,
}

impl Binding {
    /// `/decentra.v1.ServerService/GetServer`: the gRPC path this route forwards to.
    pub fn grpc_path(&self) -> String {
        format!(
            "/{}/{}",
            self.method.parent_service().full_name(),
            self.method.name()
        )
    }

    /// Whether the RPC behind this route is callable without an access token
    /// ([`decentra_proto::rpc::PUBLIC`]).
    pub fn is_public(&self) -> bool {
        decentra_proto::rpc::PUBLIC.contains(&self.grpc_path().as_str())
    }

    /// Whether a request field is bound by the path.
    pub fn in_path(&self, field: &FieldDescriptor) -> bool {
        self.path_fields
            .iter()
            .any(|f| f.number() == field.number())
    }

    /// Request fields that travel as query parameters.
    pub fn query_fields(&self) -> Vec<FieldDescriptor> {
        match &self.body {
            BodyTarget::All => Vec::new(),
            BodyTarget::None => self
                .method
                .input()
                .fields()
                .filter(|f| !self.in_path(f))
                .collect(),
            BodyTarget::Field(b) => self
                .method
                .input()
                .fields()
                .filter(|f| !self.in_path(f) && f.number() != b.number())
                .collect(),
        }
    }
}

/// Reads every binding of every method in `pool`. A rule the gateway cannot serve (a path
/// variable naming no field, a multi-segment variable, a custom verb) is an error, found at
/// start-up and by the tests rather than by a caller.
pub fn bindings(pool: &DescriptorPool) -> Result<Vec<Binding>, String> {
    let Some(http) = pool.get_extension_by_name("google.api.http") else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for service in pool.services() {
        for method in service.methods() {
            let options = method.options();
            if !options.has_extension(&http) {
                continue;
            }
            let rule = match options.get_extension(&http).as_ref() {
                Value::Message(m) => m.clone(),
                other => return Err(format!("{}: odd http option {other:?}", method.full_name())),
            };
            out.push(binding(&method, &rule)?);
            if let Some(Value::List(extra)) =
                rule.get_field_by_name("additional_bindings").as_deref()
            {
                for e in extra {
                    if let Value::Message(e) = e {
                        out.push(binding(&method, e)?);
                    }
                }
            }
        }
    }
    Ok(out)
}

fn string_field(rule: &DynamicMessage, name: &str) -> Option<String> {
    if !rule.has_field_by_name(name) {
        return None;
    }
    match rule.get_field_by_name(name).as_deref() {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        _ => None,
    }
}

fn binding(method: &MethodDescriptor, rule: &DynamicMessage) -> Result<Binding, String> {
    let name = method.full_name();
    let verbs = [
        ("get", Method::GET),
        ("put", Method::PUT),
        ("post", Method::POST),
        ("delete", Method::DELETE),
        ("patch", Method::PATCH),
    ];
    let (http_method, template) = verbs
        .iter()
        .find_map(|(field, m)| string_field(rule, field).map(|t| (m.clone(), t)))
        .ok_or_else(|| format!("{name}: http rule without get/put/post/delete/patch"))?;
    if method.is_client_streaming() {
        return Err(format!("{name}: client streaming has no REST form"));
    }
    let input = method.input();
    let mut path_fields = Vec::new();
    for segment in template.split('/').skip(1) {
        if segment.is_empty() || segment.contains(':') || segment.contains('*') {
            return Err(format!("{name}: unsupported path segment {segment:?}"));
        }
        if let Some(var) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            let field = input
                .get_field_by_name(var)
                .ok_or_else(|| format!("{name}: path variable {var} is not a request field"))?;
            if field.is_list() || field.is_map() || field.kind().as_message().is_some() {
                return Err(format!(
                    "{name}: path variable {var} must be a scalar field"
                ));
            }
            path_fields.push(field);
        } else if segment.contains(['{', '}']) {
            return Err(format!("{name}: unsupported path segment {segment:?}"));
        }
    }
    let body = match string_field(rule, "body").as_deref() {
        None => BodyTarget::None,
        Some("*") => BodyTarget::All,
        Some(f) => BodyTarget::Field(
            input
                .get_field_by_name(f)
                .ok_or_else(|| format!("{name}: body {f} is not a request field"))?,
        ),
    };
    let response_body = match string_field(rule, "response_body") {
        None => None,
        Some(f) => Some(
            method
                .output()
                .get_field_by_name(&f)
                .ok_or_else(|| format!("{name}: response_body {f} is not a response field"))?,
        ),
    };
    Ok(Binding {
        method: method.clone(),
        http_method,
        template,
        path_fields,
        body,
        response_body,
    })
}
