//! Tests: import

#[allow(unused_imports)]
use crate::common::*;
