//! What a commit id written in a note (`commits.fixed_by`, `commits.introduced_by`) names in
//! the repository, and what `validate` says when it is not a commit: an id that is there but
//! names a tree, a blob or a tag is wrong in every clone, so it is named for what it is rather
//! than reported missing.

/// What a commit id written in a note names in the repository.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Named {
    Commit,
    /// A directory listing (an id copied from `git ls-tree` or `git cat-file -p`).
    Tree,
    /// A file's content.
    Blob,
    /// An annotated tag, not the commit it points to.
    Tag,
    /// Nothing in this repository.
    Nothing,
}

/// The message and hint for `id` in `commits.<field>` naming `named`, or `None` when it is
/// fine. In a shallow clone an id that is not there may lie beyond the cut, so it is not a
/// problem; an object that is there but is not a commit is one in any clone.
pub fn problem(field: &str, id: &str, named: Named, shallow: bool) -> Option<(String, String)> {
    let log = "give the id of a commit: `git log --format='%H %s' -- PATH` lists the commits \
               that changed a file";
    let (what, hint) = match named {
        Named::Commit => return None,
        Named::Nothing if shallow => return None,
        Named::Nothing => {
            return Some((
                format!("commits.{field}: commit {id} is not in this repository"),
                "check the id with `git show`; fetch the branch that has it, or fix the id".into(),
            ));
        }
        Named::Tree => ("a tree", log.to_string()),
        Named::Blob => ("a blob (a file's content)", log.to_string()),
        Named::Tag => (
            "an annotated tag",
            format!("give the commit it points to: `git rev-parse {id}^{{commit}}`"),
        ),
    };
    Some((
        format!("commits.{field}: {id} names {what}, not a commit"),
        hint,
    ))
}
