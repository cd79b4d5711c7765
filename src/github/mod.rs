//! The GitHub part: the Action entry point and `import github`. The only async code.
