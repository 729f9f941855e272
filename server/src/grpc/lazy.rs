//! A gRPC service built on its first call, for services only tools ask for: reflection
//! decodes the whole contract into memory (0.7 MB resident for the two versions, measured),
//! and a server whose clients are the web app and the SDKs never needs it.

use std::{
    convert::Infallible,
    sync::{Arc, LazyLock},
    task::{Context, Poll},
};

use futures::future::{Either, Ready, ready};
use tonic::{body::Body, server::NamedService};
use tower::{Service, ServiceExt as _, util::Oneshot};

type Build<S> = Box<dyn FnOnce() -> Result<S, String> + Send>;

/// Builds `S` on the first request, then serves every request with it. Cheap to clone.
pub struct LazyService<S>(Arc<LazyLock<Result<S, String>, Build<S>>>);

impl<S> LazyService<S> {
    /// `build` runs once, on the first request; its error (a defect of the binary, such as a
    /// descriptor set that does not decode) is logged and answers every request as INTERNAL.
    pub fn new(build: impl FnOnce() -> Result<S, String> + Send + 'static) -> Self {
        Self(Arc::new(LazyLock::new(Box::new(build))))
    }
}

impl<S> Clone for LazyService<S> {
    fn clone(&self) -> Self {
        Self(Arc::clone(&self.0))
    }
}

impl<S: NamedService> NamedService for LazyService<S> {
    const NAME: &'static str = S::NAME;
}

type Request = http::Request<Body>;
type Response = http::Response<Body>;

impl<S> Service<Request> for LazyService<S>
where
    S: Service<Request, Response = Response, Error = Infallible> + NamedService + Clone,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Either<Oneshot<S, Request>, Ready<Result<Response, Infallible>>>;

    /// Always ready: the inner service is readied per call, on its own clone.
    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: Request) -> Self::Future {
        match LazyLock::force(&self.0) {
            Ok(service) => Either::Left(service.clone().oneshot(req)),
            Err(e) => {
                tracing::error!(service = S::NAME, error = %e, "gRPC service not built");
                // The same answer as any internal error: the detail stays in the log.
                let status = crate::grpc::status(decentra_core::Error::internal(e.clone()));
                Either::Right(ready(Ok(status.into_http())))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[derive(Clone)]
    struct Empty;

    impl NamedService for Empty {
        const NAME: &'static str = "test.Empty";
    }

    impl Service<Request> for Empty {
        type Response = Response;
        type Error = Infallible;
        type Future = Ready<Result<Response, Infallible>>;

        fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
            Poll::Ready(Ok(()))
        }

        fn call(&mut self, _: Request) -> Self::Future {
            ready(Ok(http::Response::new(Body::empty())))
        }
    }

    async fn call<S>(service: LazyService<S>) -> Response
    where
        S: Service<Request, Response = Response, Error = Infallible> + NamedService + Clone,
    {
        match service.oneshot(http::Request::new(Body::empty())).await {
            Ok(response) => response,
            Err(never) => match never {},
        }
    }

    fn grpc_status(response: &Response) -> Option<&str> {
        response
            .headers()
            .get("grpc-status")
            .and_then(|v| v.to_str().ok())
    }

    #[tokio::test]
    async fn builds_once_on_the_first_call_for_all_clones() {
        let builds = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&builds);
        let lazy = LazyService::new(move || {
            counter.fetch_add(1, Ordering::SeqCst);
            Ok(Empty)
        });
        let clone = lazy.clone();
        assert_eq!(builds.load(Ordering::SeqCst), 0, "built before any call");
        for service in [lazy.clone(), clone, lazy] {
            let response = call(service).await;
            assert_eq!(grpc_status(&response), None, "the inner service answered");
        }
        assert_eq!(builds.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_failed_build_answers_internal_every_time() {
        let lazy = LazyService::<Empty>::new(|| Err("descriptor set does not decode".into()));
        for _ in 0..2 {
            let response = call(lazy.clone()).await;
            assert_eq!(grpc_status(&response), Some("13"), "INTERNAL");
        }
    }
}
