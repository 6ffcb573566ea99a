//! A chart's title and legend, drawn in a row above the plot: outside the data, so a legend never
//! hides a line or a bar.

use super::{caption_style, label_style, Palette};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Approximate width of a legend label, px (13 px sans-serif averages about 7 px a character).
fn text_width(s: &str) -> i32 {
    s.chars().count() as i32 * 7
}

/// `title` at the top left, then one swatch and label per item, wrapping to a second row when the
/// first is full.
pub fn row<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    p: &Palette,
    title: &str,
    items: &[(String, RGBColor)],
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let (width, _) = root.dim_in_pixel();
    root.draw(&Text::new(
        title.to_string(),
        (16, 10),
        caption_style(p).pos(Pos::new(HPos::Left, VPos::Top)),
    ))?;
    let (mut x, mut y) = (16, 46);
    for (label, colour) in items {
        let w = 18 + text_width(label) + 18;
        if x + w > width as i32 - 16 && x > 16 {
            x = 16;
            y += 20;
        }
        root.draw(&Rectangle::new([(x, y - 6), (x + 12, y + 6)], colour.filled()))?;
        root.draw(&Text::new(
            label.clone(),
            (x + 18, y),
            label_style(p).pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
        x += w;
    }
    Ok(())
}
