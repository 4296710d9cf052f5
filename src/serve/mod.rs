//! `serve`: the incidents as live layers over HTTP, in the standard QGIS
//! and GDAL read natively, OGC API - Features Part 1 Core (OGC 17-069r4).
//!
//! A [`Catalog`] holds what is served (the incidents, their DBSCAN
//! clusters and the admin-1 areas, as `map` writes them), built once;
//! [`ogc::handle`] answers one request from it; [`Server`] binds an
//! address and answers on a thread per connection until stopped.
//!
//! | path | what |
//! |---|---|
//! | `/` | landing page |
//! | `/api` | the OpenAPI 3.0 definition (`service-desc`; QGIS needs it) |
//! | `/conformance` | the conformance classes |
//! | `/collections` | `incidents`, `clusters`, `admin1` |
//! | `/collections/{id}` | one collection, with its extent |
//! | `/collections/{id}/items` | features: `bbox`, `datetime`, `limit`, `offset`, property filters |
//! | `/collections/{id}/items/{featureId}` | one feature |
//! | `/collections/{id}/queryables` | the properties a filter may name |
//! | `/collections/incidents/clusters` | zoom-level clusters: `zoom`, `bbox`, `datetime`, `event_type` |
//! | `/map` | a web map of the incidents ([`map`]) |
//!
//! Safe by default: read-only (GET, HEAD, OPTIONS), request heads bounded
//! ([`http::MAX_HEAD_BYTES`]), pages bounded ([`params::MAX_LIMIT`]),
//! connections bounded in number and time, and nothing is read from disk
//! after start.

pub mod basemap;
pub mod catalog;
mod html;
pub mod http;
pub mod map;
pub mod ogc;
mod openapi;
pub mod params;

use std::net::SocketAddr;
use std::sync::Arc;

pub use catalog::{Catalog, CollectionId, Selection, ZoomFilter};
pub use http::StopHandle;

use crate::error::{Error, Result};

/// Where and how to serve.
#[derive(Debug, Clone)]
pub struct ServerOptions {
    /// The address to listen on; port 0 picks a free one.
    pub bind: SocketAddr,
}

impl Default for ServerOptions {
    fn default() -> Self {
        ServerOptions { bind: SocketAddr::from(([127, 0, 0, 1], 8080)) }
    }
}

/// A catalog bound to an address, ready to [`run`](Server::run).
pub struct Server {
    listener: http::Listener,
    catalog: Arc<Catalog>,
    url: String,
}

impl Server {
    /// Binds the address of `opts`.
    ///
    /// # Errors
    /// [`Error::Bind`] when the address cannot be bound (in use, not local).
    pub fn bind(catalog: Catalog, opts: &ServerOptions) -> Result<Server> {
        let listener = http::Listener::bind(opts.bind)
            .map_err(|e| Error::Bind { addr: opts.bind.to_string(), message: e.to_string() })?;
        let url = format!("http://{}/", listener.local_addr());
        Ok(Server { listener, catalog: Arc::new(catalog), url })
    }

    /// The URL the server answers on, with the real port.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// What is served.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// A handle that ends [`Server::run`] (from a signal handler, say).
    pub fn stop_handle(&self) -> StopHandle {
        self.listener.stop_handle()
    }

    /// Serves until stopped.
    ///
    /// # Errors
    /// [`Error::Bind`] when accepting connections fails for good.
    pub fn run(self) -> Result<()> {
        let (catalog, url) = (self.catalog, self.url);
        let addr = url.clone();
        let handler = Arc::new(move |req: &http::Request| ogc::handle(&catalog, req, &url));
        self.listener.serve(handler).map_err(|e| Error::Bind { addr, message: e.to_string() })
    }
}
