//! Collected frames → Rust values, column by column (the last step at the edge).

use polars::prelude::*;

/// A numeric column as f64 (`None` for nulls).
pub fn f64s(df: &DataFrame, name: &str) -> PolarsResult<Vec<Option<f64>>> {
    let s = df.column(name)?.cast(&DataType::Float64)?;
    Ok(s.f64()?.iter().collect())
}

/// A numeric column as f64, nulls and NaN read as zero.
pub fn f64s_or_zero(df: &DataFrame, name: &str) -> PolarsResult<Vec<f64>> {
    Ok(f64s(df, name)?
        .into_iter()
        .map(|v| v.filter(|x| x.is_finite()).unwrap_or(0.0))
        .collect())
}

/// An integer column as i64 (nulls read as zero).
pub fn i64s(df: &DataFrame, name: &str) -> PolarsResult<Vec<i64>> {
    let s = df.column(name)?.cast(&DataType::Int64)?;
    Ok(s.i64()?.iter().map(|v| v.unwrap_or(0)).collect())
}

/// A string column (nulls read as empty).
pub fn strs(df: &DataFrame, name: &str) -> PolarsResult<Vec<String>> {
    let s = df.column(name)?.cast(&DataType::String)?;
    Ok(s.str()?
        .iter()
        .map(|v| v.unwrap_or_default().to_string())
        .collect())
}

/// A boolean column (nulls read as false).
pub fn bools(df: &DataFrame, name: &str) -> PolarsResult<Vec<bool>> {
    Ok(df
        .column(name)?
        .bool()?
        .iter()
        .map(|v| v.unwrap_or(false))
        .collect())
}
