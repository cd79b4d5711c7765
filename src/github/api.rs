//! A small synchronous face over octocrab: JSON requests against the REST API, every page of a
//! list (following `Link: rel="next"`), and bounded waits on rate limits. The tokio runtime is
//! built here and nowhere else; callers stay synchronous.

use super::GithubError;
use super::event::Token;
use octocrab::Octocrab;
use serde_json::Value;
use std::time::Duration;

/// Attempts per request when GitHub says to slow down.
const MAX_ATTEMPTS: u32 = 4;
/// Longest single wait on a rate limit; a reset further away fails with a clear error rather
/// than hanging a CI job for an hour.
const MAX_WAIT: Duration = Duration::from_secs(120);
/// Pages read from one list at most (100 items a page asked for): a guard against a server
/// that loops its `next` links.
const MAX_PAGES: usize = 1000;

/// An authenticated client for one API base.
pub struct Client {
    octo: Octocrab,
    runtime: tokio::runtime::Runtime,
    base: String,
    max_wait: Duration,
}

/// A response: status, the `next` page if any, and the JSON body.
struct Reply {
    status: u16,
    next: Option<String>,
    body: String,
    retry_wait: Option<Duration>,
}

impl Client {
    /// A client for `api_url` (`https://api.github.com`, a GitHub Enterprise `/api/v3`, or a
    /// test server on 127.0.0.1).
    pub fn new(api_url: &str, token: Option<&Token>) -> Result<Client, GithubError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| GithubError::Transport {
                url: api_url.to_string(),
                message: format!("cannot start the async runtime: {e}"),
            })?;
        let base = api_url.trim_end_matches('/').to_string();
        let octo = runtime.block_on(async {
            let mut builder = Octocrab::builder()
                .add_retry_config(octocrab::service::middleware::retry::RetryConfig::None)
                .set_connect_timeout(Some(Duration::from_secs(20)))
                .set_read_timeout(Some(Duration::from_secs(60)))
                .base_uri(base.as_str())
                .map_err(|e| GithubError::Transport {
                    url: base.clone(),
                    message: format!("not a usable API URL (GITHUB_API_URL): {e}"),
                })?;
            if let Some(token) = token {
                builder = builder.personal_token(token.expose().to_string());
            }
            builder.build().map_err(|e| GithubError::Transport {
                url: base.clone(),
                message: e.to_string(),
            })
        })?;
        Ok(Client {
            octo,
            runtime,
            base,
            max_wait: MAX_WAIT,
        })
    }

    /// Cap every rate-limit wait (tests keep it tiny).
    pub fn with_max_wait(mut self, max_wait: Duration) -> Self {
        self.max_wait = max_wait;
        self
    }

    /// The absolute URL of an API path (`/repos/o/r/issues`).
    pub fn url(&self, path: &str) -> String {
        if path.starts_with("http://") || path.starts_with("https://") {
            path.to_string()
        } else {
            format!("{}{}", self.base, path)
        }
    }

    /// GET one JSON document.
    pub fn get(&self, path: &str) -> Result<Value, GithubError> {
        let url = self.url(path);
        let reply = self.send(Method::Get, &url, None)?;
        parse(&url, &reply.body)
    }

    /// GET every page of a list, following `Link: rel="next"`.
    pub fn get_all(&self, path: &str) -> Result<Vec<Value>, GithubError> {
        let mut items = Vec::new();
        self.for_each_page(path, |page| {
            items.extend(page);
            true
        })?;
        Ok(items)
    }

    /// Call `visit` with each page of a list until it returns false or the pages run out.
    pub fn for_each_page(
        &self,
        path: &str,
        mut visit: impl FnMut(Vec<Value>) -> bool,
    ) -> Result<(), GithubError> {
        let mut url = self.url(path);
        for _ in 0..MAX_PAGES {
            let reply = self.send(Method::Get, &url, None)?;
            let page = match parse(&url, &reply.body)? {
                Value::Array(items) => items,
                _ => {
                    return Err(GithubError::Decode {
                        url,
                        message: "expected a JSON list".to_string(),
                    });
                }
            };
            if !visit(page) {
                return Ok(());
            }
            match reply.next {
                Some(next) => url = next,
                None => return Ok(()),
            }
        }
        Err(GithubError::Decode {
            url,
            message: format!("more than {MAX_PAGES} pages"),
        })
    }

    pub fn post(&self, path: &str, body: &Value) -> Result<Value, GithubError> {
        let url = self.url(path);
        let reply = self.send(Method::Post, &url, Some(body))?;
        parse(&url, &reply.body)
    }

    pub fn patch(&self, path: &str, body: &Value) -> Result<Value, GithubError> {
        let url = self.url(path);
        let reply = self.send(Method::Patch, &url, Some(body))?;
        parse(&url, &reply.body)
    }

    /// Send with bounded retries on rate limits; a non-2xx answer becomes `GithubError::Status`.
    fn send(&self, method: Method, url: &str, body: Option<&Value>) -> Result<Reply, GithubError> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let reply = self.runtime.block_on(self.send_once(method, url, body))?;
            if (200..300).contains(&reply.status) {
                return Ok(reply);
            }
            if let Some(wait) = reply.retry_wait
                && attempt < MAX_ATTEMPTS
                && wait <= self.max_wait
            {
                self.runtime
                    .block_on(async { tokio::time::sleep(wait).await });
                continue;
            }
            return Err(status_error(url, &reply));
        }
    }

    async fn send_once(
        &self,
        method: Method,
        url: &str,
        body: Option<&Value>,
    ) -> Result<Reply, GithubError> {
        let transport = |e: octocrab::Error| GithubError::Transport {
            url: url.to_string(),
            message: error_text(&e),
        };
        let response = match method {
            Method::Get => self.octo._get(url).await,
            Method::Post => self.octo._post(url, body).await,
            Method::Patch => self.octo._patch(url, body).await,
        }
        .map_err(transport)?;
        let status = response.status().as_u16();
        let headers = response.headers();
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let next = header("link").and_then(|l| next_link(&l));
        let retry_wait = if status == 403 || status == 429 {
            rate_limit_wait(
                header("retry-after").as_deref(),
                header("x-ratelimit-remaining").as_deref(),
                header("x-ratelimit-reset").as_deref(),
                jiff::Timestamp::now().as_second(),
            )
        } else {
            None
        };
        let body = self
            .octo
            .body_to_string(response)
            .await
            .map_err(transport)?;
        Ok(Reply {
            status,
            next,
            body,
            retry_wait,
        })
    }
}

#[derive(Debug, Clone, Copy)]
enum Method {
    Get,
    Post,
    Patch,
}

fn parse(url: &str, body: &str) -> Result<Value, GithubError> {
    if body.trim().is_empty() {
        return Ok(Value::Null);
    }
    serde_json::from_str(body).map_err(|e| GithubError::Decode {
        url: url.to_string(),
        message: e.to_string(),
    })
}

fn status_error(url: &str, reply: &Reply) -> GithubError {
    let message = serde_json::from_str::<Value>(&reply.body)
        .ok()
        .and_then(|v| v.get("message").and_then(Value::as_str).map(str::to_string))
        .unwrap_or_else(|| super::escape::truncate(reply.body.trim(), 200));
    GithubError::Status {
        url: url.to_string(),
        status: reply.status,
        message,
        rate_limited: reply.retry_wait.is_some(),
    }
}

/// octocrab's errors print only their variant name; the source chain says what happened.
fn error_text(e: &octocrab::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        // hyper repeats its own message at each level; say each part once.
        let part = s.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        source = s.source();
    }
    text
}

/// The URL of `rel="next"` in a `Link` header.
pub fn next_link(header: &str) -> Option<String> {
    header.split(',').find_map(|part| {
        let mut pieces = part.split(';');
        let target = pieces.next()?.trim();
        let is_next = pieces.any(|p| {
            let p = p.trim().replace(' ', "");
            p == "rel=\"next\"" || p == "rel=next"
        });
        let url = target.strip_prefix('<')?.strip_suffix('>')?;
        is_next.then(|| url.to_string())
    })
}

/// How long GitHub asks us to wait: `retry-after` seconds, or until `x-ratelimit-reset` when no
/// requests remain. `None` when the answer is a plain refusal (a permission 403).
pub fn rate_limit_wait(
    retry_after: Option<&str>,
    remaining: Option<&str>,
    reset: Option<&str>,
    now: i64,
) -> Option<Duration> {
    if let Some(secs) = retry_after.and_then(|v| v.trim().parse::<u64>().ok()) {
        return Some(Duration::from_secs(secs));
    }
    let remaining = remaining.and_then(|v| v.trim().parse::<u64>().ok());
    let reset = reset.and_then(|v| v.trim().parse::<i64>().ok());
    match (remaining, reset) {
        (Some(0), Some(reset)) => Some(Duration::from_secs(
            u64::try_from(reset.saturating_sub(now)).unwrap_or(0) + 1,
        )),
        _ => None,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_next_link() {
        let h = r#"<https://api.github.com/repositories/1/issues/2/comments?page=2>; rel="next", <https://api.github.com/repositories/1/issues/2/comments?page=3>; rel="last""#;
        assert_eq!(
            next_link(h).as_deref(),
            Some("https://api.github.com/repositories/1/issues/2/comments?page=2")
        );
        let last = r#"<https://x/?page=1>; rel="prev", <https://x/?page=1>; rel="first""#;
        assert_eq!(next_link(last), None);
    }

    #[test]
    fn rate_limit_waits() {
        assert_eq!(
            rate_limit_wait(Some("3"), None, None, 0),
            Some(Duration::from_secs(3))
        );
        assert_eq!(
            rate_limit_wait(None, Some("0"), Some("110"), 100),
            Some(Duration::from_secs(11))
        );
        assert_eq!(rate_limit_wait(None, Some("10"), Some("110"), 100), None);
        assert_eq!(rate_limit_wait(None, None, None, 100), None);
    }
}
