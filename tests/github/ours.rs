//! Which comment is ours: only one written by the token's identity (a bot, or the login
//! `GET /user` names), never a marker comment by someone else; a comment deleted before the
//! update is posted anew; of several of ours, the newest is kept up to date.

use super::support::*;
use serde_json::json;
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, ResponseTemplate};

fn seed(gh: &FakeGithub, comments: Vec<Comment>) {
    gh.state.lock().unwrap().comments = comments;
}

#[test]
fn action_never_takes_a_marker_comment_by_someone_else_as_its_own() {
    let gh = FakeGithub::start(false);
    seed(
        &gh,
        vec![Comment {
            id: 777,
            body: format!("{MARKER}\nnothing to see here"),
            bot: false,
        }],
    );
    let pr = pull_request(1, "Checkout times out");
    let out = pr.action(&gh.uri(), Some(&pr.result(1, "x")), &[]);
    assert_eq!(out.code, 0, "{}", out.snapshot());
    let state = gh.state.lock().unwrap();
    assert_eq!(state.patches, 0, "someone else's comment was edited");
    assert_eq!(state.posts, 1);
    assert_eq!(
        state.comments[0].body,
        format!("{MARKER}\nnothing to see here")
    );
    assert!(state.comments[1].body.contains("src/mod0.rs"));
}

#[test]
fn action_recreates_its_comment_when_the_update_finds_it_deleted() {
    let gh = FakeGithub::start(false);
    seed(
        &gh,
        vec![Comment {
            id: 5,
            body: format!("{MARKER}\nold warning"),
            bot: true,
        }],
    );
    gh.rt_block(
        Mock::given(method("PATCH"))
            .and(path_regex(r"/issues/comments/5$"))
            .respond_with(ResponseTemplate::new(404).set_body_json(json!({"message": "Not Found"})))
            .with_priority(1)
            .mount(&gh.server),
    );
    let pr = pull_request(1, "Checkout times out");
    let out = pr.action(&gh.uri(), Some(&pr.result(1, "x")), &[]);
    assert_eq!(out.code, 0, "{}", out.snapshot());
    assert!(
        !out.stdout.contains("could not be posted"),
        "{}",
        out.stdout
    );
    assert_eq!(gh.state.lock().unwrap().posts, 1);
    assert!(gh.ours().iter().any(|c| c.body.contains("src/mod0.rs")));
}

#[test]
fn action_with_a_personal_token_updates_the_comment_its_own_login_wrote() {
    let gh = FakeGithub::start(false);
    seed(
        &gh,
        vec![Comment {
            id: 9,
            body: format!("{MARKER}\nold warning"),
            bot: false,
        }],
    );
    gh.rt_block(
        Mock::given(method("GET"))
            .and(path("/user"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"login": "octocat", "type": "User"})),
            )
            .mount(&gh.server),
    );
    let pr = pull_request(1, "Checkout times out");
    let out = pr.action(&gh.uri(), Some(&pr.result(1, "x")), &[]);
    assert_eq!(out.code, 0, "{}", out.snapshot());
    let state = gh.state.lock().unwrap();
    assert_eq!((state.posts, state.patches), (0, 1));
    assert!(state.comments[0].body.contains("src/mod0.rs"));
}

#[test]
fn action_after_concurrent_runs_keeps_the_newest_of_its_comments_current() {
    let gh = FakeGithub::start(false);
    seed(
        &gh,
        vec![
            Comment {
                id: 1,
                body: format!("{MARKER}\nfirst run"),
                bot: true,
            },
            Comment {
                id: 2,
                body: format!("{MARKER}\nsecond run"),
                bot: true,
            },
        ],
    );
    let pr = pull_request(1, "Checkout times out");
    let out = pr.action(&gh.uri(), Some(&pr.result(1, "x")), &[]);
    assert_eq!(out.code, 0, "{}", out.snapshot());
    let state = gh.state.lock().unwrap();
    assert_eq!((state.posts, state.patches), (0, 1));
    assert!(state.comments[1].body.contains("src/mod0.rs"));
}
