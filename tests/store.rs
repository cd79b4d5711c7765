//! Tests: store

#[allow(unused_imports)]
use crate::common::*;
