//! `import github`: closed bug issues of a GitHub repository become notes.
