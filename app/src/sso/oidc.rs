//! The OpenID Connect relying party (`openidconnect`, over the outbound HTTP client): discovery,
//! the authorization URL with PKCE, `state` and `nonce`, and the code exchange whose ID token is
//! checked (signature against the provider's keys, issuer, audience, expiry, nonce) before any
//! claim is read.
//!
//! Provider metadata and keys are kept five minutes per issuer, so a sign-in costs the provider
//! one token request; a token signed with a key the cache does not know yet (the provider
//! rotated) is checked once more against freshly fetched keys.

use crate::notifications::outbound::{AddressPolicy, parse_url};
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreClientAuthMethod, CoreIdTokenClaims, CoreProviderMetadata,
};
use openidconnect::{AsyncHttpClient, HttpClientError, HttpRequest, HttpResponse};
use openidconnect::{
    AuthType, AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long discovered metadata and keys are trusted before they are fetched again.
const METADATA_TTL: Duration = Duration::from_secs(300);
/// The most of any answer of the provider that is read (a configuration, keys, tokens).
const ANSWER_MAX: usize = 1 << 20;

/// The HTTP client every request to a provider goes through. The outbound client's resolver
/// refuses names that resolve to private addresses, but an address written as a literal never
/// reaches a resolver, and the provider's configuration names the next URLs (keys, token): each
/// URL is checked against the address policy before it is requested. Answers are read up to
/// `ANSWER_MAX`.
#[derive(Clone)]
struct Guarded {
    http: reqwest::Client,
    policy: AddressPolicy,
}

impl<'c> AsyncHttpClient<'c> for Guarded {
    type Error = HttpClientError<reqwest::Error>;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, Self::Error>> + Send + Sync + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(async move {
            parse_url(&request.uri().to_string(), self.policy)
                .map_err(|problem| HttpClientError::Other(problem.message()))?;
            let request: reqwest::Request = request.try_into().map_err(Box::new)?;
            let mut response = self.http.execute(request).await.map_err(Box::new)?;
            let mut answer = openidconnect::http::Response::builder().status(response.status());
            for (name, value) in response.headers() {
                answer = answer.header(name, value);
            }
            let mut body = Vec::new();
            while let Some(chunk) = response.chunk().await.map_err(Box::new)? {
                if body.len() + chunk.len() > ANSWER_MAX {
                    return Err(HttpClientError::Other("the answer is larger than 1 MiB".to_owned()));
                }
                body.extend_from_slice(&chunk);
            }
            answer.body(body).map_err(HttpClientError::Http)
        })
    }
}

/// Why talking to the provider failed, for the log and the refusal (never shown verbatim: a
/// provider's answer is not ours to echo).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OidcError {
    /// Discovery failed: unreachable, not a provider configuration, or for another issuer.
    Discovery(String),
    /// The token request failed or was refused.
    Exchange(String),
    /// The answer had no ID token, or it failed its checks.
    Token(String),
}

impl std::fmt::Display for OidcError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Discovery(why) => write!(f, "discovery failed: {why}"),
            Self::Exchange(why) => write!(f, "code exchange failed: {why}"),
            Self::Token(why) => write!(f, "ID token refused: {why}"),
        }
    }
}

/// What a checked ID token says about the person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub subject: String,
    pub email: Option<String>,
    pub email_verified: bool,
    pub name: Option<String>,
}

/// A sign-in about to leave for the provider: where to send the browser and what the return
/// must match.
#[derive(Debug)]
pub struct Authorization {
    pub url: url::Url,
    pub nonce: String,
    pub pkce_verifier: String,
}

/// One workspace's registration at its provider.
pub struct Registration<'a> {
    pub issuer_url: &'a str,
    pub client_id: &'a str,
    pub client_secret: &'a str,
}

/// The relying party: an HTTP client and the metadata cache.
#[derive(Clone)]
pub struct RelyingParty {
    http: Guarded,
    cache: Arc<Mutex<HashMap<String, (Instant, CoreProviderMetadata)>>>,
}

impl RelyingParty {
    /// Over `http`, which must not follow redirects (a redirect is a request to wherever the
    /// answer says) and whose resolver applies `policy` (the outbound client).
    pub fn new(http: reqwest::Client, policy: AddressPolicy) -> Self {
        Self {
            http: Guarded { http, policy },
            cache: Arc::default(),
        }
    }

    /// The provider's metadata and keys, fetched from `{issuer}/.well-known/openid-configuration`
    /// (the crate checks the document names this very issuer) unless fetched lately.
    pub async fn discover(&self, issuer_url: &str, fresh: bool) -> Result<CoreProviderMetadata, OidcError> {
        if !fresh {
            let cache = self.cache.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            if let Some((at, metadata)) = cache.get(issuer_url)
                && at.elapsed() < METADATA_TTL
            {
                return Ok(metadata.clone());
            }
        }
        let issuer = IssuerUrl::new(issuer_url.to_owned()).map_err(|e| OidcError::Discovery(e.to_string()))?;
        let metadata = CoreProviderMetadata::discover_async(issuer, &self.http)
            .await
            .map_err(|e| OidcError::Discovery(describe(&e)))?;
        self.cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(issuer_url.to_owned(), (Instant::now(), metadata.clone()));
        Ok(metadata)
    }

    /// The authorization URL for one sign-in (code flow, S256 PKCE, `openid email profile`);
    /// `state` is ours, generated and kept by the caller.
    pub async fn authorize(
        &self,
        registration: &Registration<'_>,
        redirect_uri: &str,
        state: &str,
    ) -> Result<Authorization, OidcError> {
        let metadata = self.discover(registration.issuer_url, false).await?;
        let client = build_client(metadata, registration, redirect_uri)?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let state = state.to_owned();
        let (url, _, nonce) = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                move || CsrfToken::new(state),
                Nonce::new_random,
            )
            .add_scope(Scope::new("email".to_owned()))
            .add_scope(Scope::new("profile".to_owned()))
            .set_pkce_challenge(challenge)
            .url();
        Ok(Authorization {
            url,
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
        })
    }

    /// Trades the code for tokens and checks the ID token against `nonce`.
    pub async fn exchange(
        &self,
        registration: &Registration<'_>,
        redirect_uri: &str,
        code: &str,
        pkce_verifier: &str,
        nonce: &str,
    ) -> Result<Identity, OidcError> {
        let metadata = self.discover(registration.issuer_url, false).await?;
        let client = build_client(metadata, registration, redirect_uri)?;
        let response = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|e| OidcError::Exchange(e.to_string()))?
            .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier.to_owned()))
            .request_async(&self.http)
            .await
            .map_err(|e| OidcError::Exchange(describe(&e)))?;
        let token = response
            .id_token()
            .ok_or_else(|| OidcError::Token("the token response has no ID token".to_owned()))?;
        let nonce = Nonce::new(nonce.to_owned());
        // The verifier checks the signature with the provider's published keys (never `none` or
        // a symmetric key it was not given), the issuer, that we are the audience, and expiry.
        match token.claims(&client.id_token_verifier(), &nonce) {
            Ok(claims) => Ok(identity(claims)),
            Err(first) => {
                // Perhaps signed with a key published since the metadata was cached.
                let metadata = self.discover(registration.issuer_url, true).await?;
                let client = build_client(metadata, registration, redirect_uri)?;
                token
                    .claims(&client.id_token_verifier(), &nonce)
                    .map(identity)
                    .map_err(|_| OidcError::Token(first.to_string()))
            }
        }
    }
}

fn identity(claims: &CoreIdTokenClaims) -> Identity {
    Identity {
        subject: claims.subject().as_str().to_owned(),
        email: claims.email().map(|email| email.as_str().to_owned()),
        email_verified: claims.email_verified() == Some(true),
        name: claims
            .name()
            .and_then(|name| name.get(None))
            .map(|name| name.as_str().to_owned()),
    }
}

type ReadyClient = CoreClient<
    openidconnect::EndpointSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointMaybeSet,
    openidconnect::EndpointMaybeSet,
>;

fn build_client(
    metadata: CoreProviderMetadata,
    registration: &Registration<'_>,
    redirect_uri: &str,
) -> Result<ReadyClient, OidcError> {
    // HTTP Basic is the default (RFC 6749); a provider that says it takes only the secret in
    // the body gets it there.
    let post_only = metadata.token_endpoint_auth_methods_supported().is_some_and(|methods| {
        methods.contains(&CoreClientAuthMethod::ClientSecretPost)
            && !methods.contains(&CoreClientAuthMethod::ClientSecretBasic)
    });
    let redirect = RedirectUrl::new(redirect_uri.to_owned()).map_err(|e| OidcError::Exchange(e.to_string()))?;
    let client = CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(registration.client_id.to_owned()),
        Some(ClientSecret::new(registration.client_secret.to_owned())),
    )
    .set_redirect_uri(redirect);
    Ok(if post_only {
        client.set_auth_type(AuthType::RequestBody)
    } else {
        client
    })
}

/// An error and its causes on one line (reqwest's own message names only the outermost).
fn describe(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
