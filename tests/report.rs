//! Tests: report

#[allow(unused_imports)]
use crate::common::*;
