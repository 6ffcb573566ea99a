//! The scenario report (the [`crate::report::Report`] model) as documents: HTML, Markdown and CSV,
//! written with the [`crate::report::format`] primitives.

pub mod csv;
pub mod html;
pub mod md;
pub mod tables;
