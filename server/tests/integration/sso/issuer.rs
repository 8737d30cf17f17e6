//! A minimal OpenID provider for the single sign-on tests, on 127.0.0.1: discovery, its keys, an
//! authorization endpoint that signs in whoever the test says (no login page to drive), and a
//! token endpoint that checks the client's credentials, the code (once), the redirect URI and
//! the PKCE verifier before it issues an ID token. Tokens are signed with `openidconnect`'s own
//! provider-side types; the test chooses who signs in and how the token goes wrong.

use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use openidconnect::core::{
    CoreIdToken, CoreIdTokenClaims, CoreIdTokenFields, CoreJsonWebKeySet, CoreJwsSigningAlgorithm,
    CoreRsaPrivateSigningKey, CoreTokenResponse, CoreTokenType,
};
use openidconnect::{
    AccessToken, Audience, EmptyAdditionalClaims, EmptyExtraTokenFields, EndUserEmail, IssuerUrl, JsonWebKeyId, Nonce,
    PkceCodeChallenge, PkceCodeVerifier, PrivateSigningKey, StandardClaims, SubjectIdentifier,
};
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

const KEY_A: &str = include_str!("fixtures/oidc-key-a.pem");
const KEY_B: &str = include_str!("fixtures/oidc-key-b.pem");

/// Who the provider signs in next, and what is wrong with their token.
#[derive(Debug, Clone)]
pub struct Person {
    pub email: Option<String>,
    pub email_verified: bool,
    /// Signed with a key the provider does not publish (under its published key's id).
    pub foreign: bool,
    /// Expired an hour ago.
    pub expired: bool,
}

impl Person {
    pub fn verified(email: &str) -> Self {
        Self {
            email: Some(email.to_owned()),
            email_verified: true,
            foreign: false,
            expired: false,
        }
    }
}

#[derive(Debug, Clone)]
struct Grant {
    nonce: String,
    challenge: String,
    redirect_uri: String,
    person: Person,
}

struct Inner {
    url: String,
    client_id: String,
    client_secret: String,
    next: Mutex<Person>,
    codes: Mutex<HashMap<String, Grant>>,
}

#[derive(Clone)]
pub struct Issuer(Arc<Inner>);

fn key(pem: &str) -> CoreRsaPrivateSigningKey {
    CoreRsaPrivateSigningKey::from_pem(pem, Some(JsonWebKeyId::new("a".to_owned()))).expect("test key")
}

impl Issuer {
    pub async fn start(client_id: &str, client_secret: &str) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let issuer = Self(Arc::new(Inner {
            url,
            client_id: client_id.to_owned(),
            client_secret: client_secret.to_owned(),
            next: Mutex::new(Person::verified("nobody@example.org")),
            codes: Mutex::default(),
        }));
        let app = Router::new()
            .route("/.well-known/openid-configuration", get(discovery))
            .route("/jwks", get(jwks))
            .route("/authorize", get(authorize))
            .route("/token", post(token))
            .with_state(issuer.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        issuer
    }

    pub fn url(&self) -> &str {
        &self.0.url
    }

    /// The next sign-in at the authorization endpoint is this person's.
    pub fn will_sign_in(&self, person: Person) {
        *self.0.next.lock().expect("issuer state") = person;
    }
}

async fn discovery(State(issuer): State<Issuer>) -> Json<serde_json::Value> {
    let url = &issuer.0.url;
    Json(serde_json::json!({
        "issuer": url,
        "authorization_endpoint": format!("{url}/authorize"),
        "token_endpoint": format!("{url}/token"),
        "jwks_uri": format!("{url}/jwks"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic"],
        "code_challenge_methods_supported": ["S256"],
        "scopes_supported": ["openid", "email", "profile"],
    }))
}

async fn jwks() -> Json<CoreJsonWebKeySet> {
    Json(CoreJsonWebKeySet::new(vec![key(KEY_A).as_verification_key()]))
}

#[derive(Debug, Deserialize)]
struct AuthorizeQuery {
    response_type: String,
    client_id: String,
    redirect_uri: String,
    scope: String,
    state: String,
    nonce: String,
    code_challenge: String,
    code_challenge_method: String,
}

async fn authorize(State(issuer): State<Issuer>, Query(query): Query<AuthorizeQuery>) -> Response {
    let valid = query.response_type == "code"
        && query.client_id == issuer.0.client_id
        && query.scope.split(' ').any(|scope| scope == "openid")
        && query.code_challenge_method == "S256";
    if !valid {
        return (StatusCode::BAD_REQUEST, "invalid authorization request").into_response();
    }
    let code = uuid::Uuid::new_v4().to_string();
    let person = issuer.0.next.lock().expect("issuer state").clone();
    issuer.0.codes.lock().expect("issuer state").insert(
        code.clone(),
        Grant {
            nonce: query.nonce,
            challenge: query.code_challenge,
            redirect_uri: query.redirect_uri.clone(),
            person,
        },
    );
    let state = atrium_app::paging::encode(&query.state);
    Redirect::to(&format!("{}?code={code}&state={state}", query.redirect_uri)).into_response()
}

#[derive(Debug, Deserialize)]
struct TokenForm {
    grant_type: String,
    code: String,
    redirect_uri: String,
    code_verifier: String,
}

fn token_error(error: &str) -> Response {
    (StatusCode::BAD_REQUEST, Json(serde_json::json!({ "error": error }))).into_response()
}

async fn token(State(issuer): State<Issuer>, headers: HeaderMap, Form(form): Form<TokenForm>) -> Response {
    let expected =
        base64::engine::general_purpose::STANDARD.encode(format!("{}:{}", issuer.0.client_id, issuer.0.client_secret));
    let authorized = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value == format!("Basic {expected}"));
    if !authorized {
        return (
            StatusCode::UNAUTHORIZED,
            Json(serde_json::json!({ "error": "invalid_client" })),
        )
            .into_response();
    }
    // A code works once.
    let Some(grant) = issuer.0.codes.lock().expect("issuer state").remove(&form.code) else {
        return token_error("invalid_grant");
    };
    let verifier = PkceCodeChallenge::from_code_verifier_sha256(&PkceCodeVerifier::new(form.code_verifier));
    if form.grant_type != "authorization_code"
        || form.redirect_uri != grant.redirect_uri
        || verifier.as_str() != grant.challenge
    {
        return token_error("invalid_grant");
    }
    let person = grant.person;
    let now = chrono::Utc::now();
    let (issued, expires) = if person.expired {
        (now - chrono::Duration::hours(2), now - chrono::Duration::hours(1))
    } else {
        (now, now + chrono::Duration::minutes(5))
    };
    let subject = person.email.clone().unwrap_or_else(|| "no-email".to_owned());
    let claims = CoreIdTokenClaims::new(
        IssuerUrl::new(issuer.0.url.clone()).expect("issuer"),
        vec![Audience::new(issuer.0.client_id.clone())],
        expires,
        issued,
        StandardClaims::new(SubjectIdentifier::new(subject))
            .set_email(person.email.map(EndUserEmail::new))
            .set_email_verified(Some(person.email_verified)),
        EmptyAdditionalClaims {},
    )
    .set_nonce(Some(Nonce::new(grant.nonce)));
    let access = AccessToken::new(uuid::Uuid::new_v4().to_string());
    let signer = key(if person.foreign { KEY_B } else { KEY_A });
    let id_token = CoreIdToken::new(
        claims,
        &signer,
        CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
        Some(&access),
        None,
    )
    .expect("sign");
    let response = CoreTokenResponse::new(
        access,
        CoreTokenType::Bearer,
        CoreIdTokenFields::new(Some(id_token), EmptyExtraTokenFields {}),
    );
    Json(response).into_response()
}
