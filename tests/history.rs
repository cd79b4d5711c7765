//! Tests: history

#[allow(unused_imports)]
use crate::common::*;
