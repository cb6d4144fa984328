//! `report monthly --chart FILE.svg`: four panels over the twelve months
//! ending with the chosen month, drawn with plotters' SVG backend (its text
//! is written as `<text>` elements, so no font files are read).

use super::lang::{Lang, Msg};
use crate::domain::report::PeriodReport;
use crate::error::{Error, Result};
use plotters::coord::ranged1d::SegmentedCoord;
use plotters::coord::types::{RangedCoordf64, RangedCoordi32};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::Path;

/// The chart's words in one language, from the catalogue.
struct Words {
    title: &'static str,
    members: &'static str,
    members_axis: &'static str,
    activity: &'static str,
    rate_axis: &'static str,
    points: &'static str,
    points_axis: &'static str,
    earned: &'static str,
    redeemed: &'static str,
    tiers: &'static str,
    month: &'static str,
}

fn words(lang: Lang) -> Words {
    let t = |m: Msg| m.text_in(lang);
    Words {
        title: t(Msg::ChartTitle),
        members: t(Msg::ChartMembers),
        members_axis: t(Msg::ChartMembersAxis),
        activity: t(Msg::ChartActivity),
        rate_axis: t(Msg::ChartRateAxis),
        points: t(Msg::ChartPoints),
        points_axis: t(Msg::ChartPointsAxis),
        earned: t(Msg::ChartEarned),
        redeemed: t(Msg::ChartRedeemed),
        tiers: t(Msg::ChartTiers),
        month: t(Msg::ChartMonth),
    }
}

const SERIES: [RGBColor; 6] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
];

fn color(i: usize) -> RGBColor {
    SERIES[i % SERIES.len()]
}

fn failed<E: std::fmt::Display>(e: E) -> Error {
    Error::Failure(format!("could not draw the chart: {e}"))
}

/// The SVG text of the chart over `months` (oldest first) in `lang`.
pub fn render(months: &[PeriodReport], lang: Lang) -> Result<String> {
    let w = &words(lang);
    let labels: Vec<String> = months.iter().map(|r| r.period.label.clone()).collect();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (1200, 860)).into_drawing_area();
        root.fill(&WHITE).map_err(failed)?;
        let (top, body) = root.split_vertically(50);
        let first = labels.first().map_or("", String::as_str);
        let last = labels.last().map_or("", String::as_str);
        top.titled(
            &format!("{} ({first} – {last})", w.title),
            ("sans-serif", 24),
        )
        .map_err(failed)?;
        let panels = body.split_evenly((2, 2));
        let members: Vec<i64> = months.iter().map(|r| r.members.at_end).collect();
        line_panel(
            &panels[0],
            w.members,
            w.members_axis,
            w.month,
            &labels,
            &[(w.members_axis, members.iter().map(|&n| n as f64).collect())],
            10.0,
        )?;
        let rates: Vec<f64> = months
            .iter()
            .map(|r| r.activity.activity_rate(&r.members).unwrap_or(0) as f64 / 100.0)
            .collect();
        line_panel(
            &panels[1],
            w.activity,
            w.rate_axis,
            w.month,
            &labels,
            &[(w.activity, rates)],
            100.0,
        )?;
        let earned = months.iter().map(|r| r.points.earned as f64).collect();
        let redeemed = months
            .iter()
            .map(|r| r.points.redeemed.abs() as f64)
            .collect();
        line_panel(
            &panels[2],
            w.points,
            w.points_axis,
            w.month,
            &labels,
            &[(w.earned, earned), (w.redeemed, redeemed)],
            10.0,
        )?;
        tier_panel(&panels[3], w, &labels, months)?;
        root.present().map_err(failed)?;
    }
    Ok(svg)
}

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;

/// A line per series over the months, each with a legend entry. With no
/// figure above zero the y axis runs to `empty_top` (100 for a rate in
/// percent), so an empty panel still reads on its own scale.
fn line_panel(
    area: &Area,
    title: &str,
    y_axis: &str,
    x_axis: &str,
    labels: &[String],
    series: &[(&str, Vec<f64>)],
    empty_top: f64,
) -> Result<()> {
    let top = series
        .iter()
        .flat_map(|(_, v)| v.iter().copied())
        .fold(0.0f64, f64::max);
    let top = if top > 0.0 { top * 1.15 } else { empty_top };
    let n = labels.len() as i32;
    let mut chart = ChartBuilder::on(area)
        .caption(title, ("sans-serif", 18))
        .margin(12)
        .x_label_area_size(48)
        .y_label_area_size(64)
        .build_cartesian_2d((0..n - 1).into_segmented(), 0.0..top)
        .map_err(failed)?;
    axes(&mut chart, labels, x_axis, y_axis)?;
    for (i, (name, values)) in series.iter().enumerate() {
        let c = color(i);
        chart
            .draw_series(LineSeries::new(
                values
                    .iter()
                    .enumerate()
                    .map(|(m, &v)| (SegmentValue::CenterOf(m as i32), v)),
                c.stroke_width(2),
            ))
            .map_err(failed)?
            .label(*name)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], c.stroke_width(2)));
    }
    legend(&mut chart)
}

/// Stacked bars of the tiers of the members in good standing at month end.
fn tier_panel(area: &Area, w: &Words, labels: &[String], months: &[PeriodReport]) -> Result<()> {
    // Every tier seen in any month, in the order the reports list them.
    let mut tiers: Vec<String> = Vec::new();
    for r in months {
        for (t, _) in &r.members.tiers {
            if !tiers.contains(t) {
                tiers.push(t.clone());
            }
        }
    }
    let count = |r: &PeriodReport, t: &str| {
        r.members
            .tiers
            .iter()
            .find(|(name, _)| name == t)
            .map_or(0, |(_, n)| *n)
    };
    let top = months
        .iter()
        .map(|r| r.members.tiers.iter().map(|(_, n)| *n).sum::<i64>())
        .max()
        .unwrap_or(0);
    let top = if top > 0 { top as f64 * 1.15 } else { 1.0 };
    let n = labels.len() as i32;
    let mut chart = ChartBuilder::on(area)
        .caption(w.tiers, ("sans-serif", 18))
        .margin(12)
        .x_label_area_size(48)
        .y_label_area_size(64)
        .build_cartesian_2d((0..n - 1).into_segmented(), 0.0..top)
        .map_err(failed)?;
    axes(&mut chart, labels, w.month, w.members_axis)?;
    let mut base = vec![0.0f64; months.len()];
    for (i, t) in tiers.iter().enumerate() {
        let c = color(i);
        let bars: Vec<Rectangle<(SegmentValue<i32>, f64)>> = months
            .iter()
            .enumerate()
            .map(|(m, r)| {
                let low = base[m];
                base[m] += count(r, t) as f64;
                let mut bar = Rectangle::new(
                    [
                        (SegmentValue::Exact(m as i32), low),
                        (SegmentValue::Exact(m as i32 + 1), base[m]),
                    ],
                    c.filled(),
                );
                bar.set_margin(0, 0, 6, 6);
                bar
            })
            .collect();
        chart
            .draw_series(bars)
            .map_err(failed)?
            .label(t.as_str())
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], c.filled()));
    }
    legend(&mut chart)
}

type Chart<'a, 'b> =
    ChartContext<'a, SVGBackend<'b>, Cartesian2d<SegmentedCoord<RangedCoordi32>, RangedCoordf64>>;

/// Month labels under the bars, axis names, and y labels with a decimal
/// only when the scale is small.
fn axes(chart: &mut Chart, labels: &[String], x_axis: &str, y_axis: &str) -> Result<()> {
    let labels = labels.to_vec();
    let top = chart.y_range().end;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(labels.len())
        .x_label_formatter(&|v| match v {
            SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => usize::try_from(*i)
                .ok()
                .and_then(|i| labels.get(i))
                .cloned()
                .unwrap_or_default(),
            SegmentValue::Last => String::new(),
        })
        .x_label_style(("sans-serif", 11))
        .y_label_formatter(&|v| {
            if top < 10.0 {
                format!("{v:.1}")
            } else {
                format!("{v:.0}")
            }
        })
        .x_desc(x_axis)
        .y_desc(y_axis)
        .draw()
        .map_err(failed)
}

fn legend<'a>(chart: &mut Chart<'a, 'a>) -> Result<()> {
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .label_font(("sans-serif", 12))
        .draw()
        .map_err(failed)
}

/// Writes `svg` to `path` (see `write_output`).
pub fn write(data: &Path, path: &Path, svg: &str, force: bool) -> Result<()> {
    write_output(data, path, svg.as_bytes(), force)
}

/// Writes an output file (a chart, an export) the one way `store::output`
/// does: never inside the data directory, never over a file without
/// `force`, owner-only. A wrong path is a usage error.
pub fn write_output(data: &Path, path: &Path, bytes: &[u8], force: bool) -> Result<()> {
    use crate::store::output::{self, OutputError};
    output::write(data, path, bytes, force).map_err(|e| match e {
        OutputError::Refused(m) => Error::Usage(m),
        OutputError::Io(m) => Error::Failure(m),
    })
}
