//! Page resources whose hydration data the browser reads with the same JSON reader as answers.
//!
//! A server fn's answer is decoded with `serde_json::from_slice`, while Leptos' default resource
//! codec decodes the page's hydration data with `serde_json::from_str`. The two readers are
//! different types, so every type a page both hydrates and refetches had its `Deserialize` impl
//! compiled into the wasm twice. Resources made here decode from the same byte-slice reader, so
//! one copy serves both paths.

use leptos::prelude::*;
use leptos::server::codee::{Decoder, Encoder};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::future::Future;

/// JSON on the wire, decoded from bytes like a server fn's answer.
pub struct SliceJson;

impl<T: Serialize> Encoder<T> for SliceJson {
    type Error = serde_json::Error;
    type Encoded = String;

    fn encode(value: &T) -> Result<String, serde_json::Error> {
        serde_json::to_string(value)
    }
}

impl<T: DeserializeOwned> Decoder<T> for SliceJson {
    type Error = serde_json::Error;
    type Encoded = str;

    fn decode(value: &str) -> Result<T, serde_json::Error> {
        serde_json::from_slice(value.as_bytes())
    }
}

/// A page's data, loaded on the server, carried in the page and refetched when `source` changes.
pub type PageResource<T> = Resource<T, SliceJson>;

/// [`Resource::new`] with [`SliceJson`]: the same contract, one `Deserialize` copy per type.
#[track_caller]
pub fn page_resource<T, S, Fut>(
    source: impl Fn() -> S + Send + Sync + 'static,
    fetcher: impl Fn(S) -> Fut + Send + Sync + 'static,
) -> PageResource<T>
where
    T: Serialize + DeserializeOwned + Send + Sync + 'static,
    S: PartialEq + Clone + Send + Sync + 'static,
    Fut: Future<Output = T> + Send + 'static,
{
    Resource::new_with_options(source, fetcher, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hydration_data_reads_back_as_written() {
        let value = vec![(1u32, "a \"quoted\" <b>".to_string())];
        let encoded = <SliceJson as Encoder<_>>::encode(&value).expect("encodes");
        let decoded: Vec<(u32, String)> = <SliceJson as Decoder<_>>::decode(&encoded).expect("decodes");
        assert_eq!(decoded, value);
        assert!(<SliceJson as Decoder<Vec<u32>>>::decode("[1,").is_err());
    }
}
