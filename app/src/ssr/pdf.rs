//! One-page A4 PDFs of documents of record, written with `pdf-writer` (typst's low-level PDF
//! writer: maintained, small, no system libraries) in DejaVu Sans, cut by `subsetter` to the
//! glyphs used so that a letter stays a few kilobytes on a village connection. The text is
//! real text (a ToUnicode map), so it can be searched, copied and read by a screen reader;
//! the QR code is drawn as squares.

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo};
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use subsetter::GlyphRemapper;

/// DejaVu Sans (free licence, in `app/assets/DejaVuSans.LICENSE`): Cyrillic with every Kazakh
/// letter.
const FONT: &[u8] = include_bytes!("../../assets/DejaVuSans.ttf");

/// A4, in points.
const PAGE: (f32, f32) = (595.0, 842.0);
/// The margin.
const MARGIN: f32 = 56.0;

/// A line of the page.
pub enum Line {
    /// A heading.
    Title(String),
    /// A label and its value.
    Field(String, String),
    /// A paragraph.
    Text(String),
    /// Small print.
    Small(String),
    /// Vertical space.
    Gap,
}

/// What the page shows.
pub struct Page {
    /// The document's title (also the PDF's).
    pub title: String,
    /// Its lines, top to bottom.
    pub lines: Vec<Line>,
    /// What the QR code holds (the verification address).
    pub qr: String,
    /// Its language (`ru`, `kk`).
    pub lang: &'static str,
}

/// Text laid out in the subset font: glyphs remapped as they are used.
struct Typesetter<'a> {
    face: ttf_parser::Face<'a>,
    remap: GlyphRemapper,
    /// New glyph id → (advance in thousandths of an em, the character).
    used: std::collections::BTreeMap<u16, (f32, char)>,
}

impl Typesetter<'_> {
    /// The width of `s` at `size` points.
    fn width(&self, s: &str, size: f32) -> f32 {
        let upem = f32::from(self.face.units_per_em());
        s.chars()
            .map(|c| {
                let g = self.face.glyph_index(c).unwrap_or(ttf_parser::GlyphId(0));
                f32::from(self.face.glyph_hor_advance(g).unwrap_or(0)) / upem * size
            })
            .sum()
    }

    /// `s` as the content stream shows it: two bytes per (remapped) glyph.
    fn encode(&mut self, s: &str) -> Vec<u8> {
        let upem = f32::from(self.face.units_per_em());
        let mut out = Vec::with_capacity(s.len() * 2);
        for c in s.chars() {
            let g = self.face.glyph_index(c).unwrap_or(ttf_parser::GlyphId(0));
            let new = self.remap.remap(g.0);
            let advance = f32::from(self.face.glyph_hor_advance(g).unwrap_or(0)) * 1000.0 / upem;
            self.used.entry(new).or_insert((advance, c));
            out.extend_from_slice(&new.to_be_bytes());
        }
        out
    }

    /// `s` broken into lines no wider than `max` at `size`, at spaces.
    fn wrap(&self, s: &str, size: f32, max: f32) -> Vec<String> {
        let mut lines = Vec::new();
        let mut line = String::new();
        for word in s.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_owned()
            } else {
                format!("{line} {word}")
            };
            if !line.is_empty() && self.width(&candidate, size) > max {
                lines.push(std::mem::replace(&mut line, word.to_owned()));
            } else {
                line = candidate;
            }
        }
        if !line.is_empty() {
            lines.push(line);
        }
        lines
    }
}

/// The page as a PDF.
pub fn render(page: &Page) -> Result<Vec<u8>, String> {
    let face = ttf_parser::Face::parse(FONT, 0).map_err(|e| e.to_string())?;
    let mut ts = Typesetter {
        face,
        remap: GlyphRemapper::new(),
        used: std::collections::BTreeMap::new(),
    };
    let font = Name(b"F1");
    let mut content = Content::new();
    let width = PAGE.0 - 2.0 * MARGIN;
    let qr_size = 118.0;
    let mut y = PAGE.1 - MARGIN;
    let show =
        |content: &mut Content, ts: &mut Typesetter<'_>, x: f32, y: f32, size: f32, s: &str| {
            let bytes = ts.encode(s);
            content
                .begin_text()
                .set_font(font, size)
                .next_line(x, y)
                .show(Str(&bytes))
                .end_text();
        };
    for line in &page.lines {
        // Beside the QR code at the top right, the text keeps clear of it.
        let room = if y > PAGE.1 - MARGIN - qr_size - 8.0 {
            width - qr_size - 16.0
        } else {
            width
        };
        match line {
            Line::Title(s) => {
                for l in ts.wrap(s, 16.0, room) {
                    y -= 20.0;
                    show(&mut content, &mut ts, MARGIN, y, 16.0, &l);
                }
                y -= 6.0;
            }
            Line::Field(label, value) => {
                y -= 15.0;
                show(&mut content, &mut ts, MARGIN, y, 9.0, label);
                for l in ts.wrap(value, 12.0, room) {
                    y -= 15.0;
                    show(&mut content, &mut ts, MARGIN, y, 12.0, &l);
                }
                y -= 3.0;
            }
            Line::Text(s) => {
                for l in ts.wrap(s, 11.0, room) {
                    y -= 14.0;
                    show(&mut content, &mut ts, MARGIN, y, 11.0, &l);
                }
            }
            Line::Small(s) => {
                for l in ts.wrap(s, 8.0, room) {
                    y -= 10.0;
                    show(&mut content, &mut ts, MARGIN, y, 8.0, &l);
                }
            }
            Line::Gap => y -= 12.0,
        }
    }
    qr(
        &mut content,
        &page.qr,
        PAGE.0 - MARGIN - qr_size,
        PAGE.1 - MARGIN - qr_size,
        qr_size,
    )?;
    let content = content.finish();
    let subset = subsetter::subset(FONT, 0, &ts.remap).map_err(|e| e.to_string())?;
    Ok(write(page, &ts, &content, &subset))
}

/// The QR code of `data`, `size` points wide, its lower left corner at (`x`, `y`).
fn qr(content: &mut Content, data: &str, x: f32, y: f32, size: f32) -> Result<(), String> {
    let code = qrcode::QrCode::new(data.as_bytes()).map_err(|e| e.to_string())?;
    let n = code.width();
    let module = size / n as f32;
    content.set_fill_gray(0.0);
    for (i, c) in code.to_colors().iter().enumerate() {
        if *c == qrcode::Color::Dark {
            let (col, row) = ((i % n) as f32, (i / n) as f32);
            content.rect(
                x + col * module,
                y + size - (row + 1.0) * module,
                module,
                module,
            );
        }
    }
    content.fill_nonzero();
    Ok(())
}

/// The document's objects.
fn write(page: &Page, ts: &Typesetter<'_>, content: &[u8], subset: &[u8]) -> Vec<u8> {
    let (catalog, tree, page_id, font_id, cid_id, descriptor, file, cmap, content_id, info) = (
        Ref::new(1),
        Ref::new(2),
        Ref::new(3),
        Ref::new(4),
        Ref::new(5),
        Ref::new(6),
        Ref::new(7),
        Ref::new(8),
        Ref::new(9),
        Ref::new(10),
    );
    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(tree).lang(TextStr(page.lang));
    pdf.pages(tree).kids([page_id]).count(1);
    let mut p = pdf.page(page_id);
    p.media_box(Rect::new(0.0, 0.0, PAGE.0, PAGE.1));
    p.parent(tree);
    p.contents(content_id);
    p.resources().fonts().pair(Name(b"F1"), font_id);
    p.finish();
    pdf.document_info(info)
        .title(TextStr(&page.title))
        .producer(TextStr("Auyl Business"));
    let base = Name(b"AUYLDV+DejaVuSans");
    let system = SystemInfo {
        registry: Str(b"Adobe"),
        ordering: Str(b"Identity"),
        supplement: 0,
    };
    pdf.type0_font(font_id)
        .base_font(base)
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(cid_id)
        .to_unicode(cmap);
    let mut cid = pdf.cid_font(cid_id);
    cid.subtype(CidFontType::Type2)
        .base_font(base)
        .system_info(system)
        .font_descriptor(descriptor)
        .default_width(0.0);
    {
        let mut widths = cid.widths();
        for (g, (w, _)) in &ts.used {
            widths.consecutive(*g, [*w]);
        }
    }
    cid.finish();
    let upem = f32::from(ts.face.units_per_em());
    let scale = |v: i16| f32::from(v) * 1000.0 / upem;
    let bbox = ts.face.global_bounding_box();
    pdf.font_descriptor(descriptor)
        .name(base)
        .flags(FontFlags::NON_SYMBOLIC)
        .bbox(Rect::new(
            scale(bbox.x_min),
            scale(bbox.y_min),
            scale(bbox.x_max),
            scale(bbox.y_max),
        ))
        .italic_angle(0.0)
        .ascent(scale(ts.face.ascender()))
        .descent(scale(ts.face.descender()))
        .cap_height(scale(ts.face.capital_height().unwrap_or(700)))
        .stem_v(80.0)
        .font_file2(file);
    pdf.stream(file, subset);
    let mut unicode = pdf_writer::types::UnicodeCmap::new(Name(b"Custom"), system);
    for (g, (_, c)) in &ts.used {
        unicode.pair(*g, *c);
    }
    pdf.cmap(cmap, &unicode.finish());
    pdf.stream(content_id, content);
    pdf.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_in_kazakh_is_a_small_pdf_with_its_text_and_a_qr_code() {
        let page = Page {
            title: "Өтінім бойынша шешім туралы хат".into(),
            lines: vec![
                Line::Small("Auyl Business".into()),
                Line::Title("Өтінім бойынша шешім туралы хат".into()),
                Line::Field("Бағдарлама".into(), "«Ауыл аманаты» микронесиесі: ауылдағы кәсіпкерлікке қолдау, жылдық 2,5 %-ға дейін".into()),
                Line::Field("Шешім".into(), "Өтінім мақұлданды".into()),
                Line::Gap,
                Line::Text("Түпнұсқалығын тексеру: https://auyl.kz/verify/K7Q2M9XD4TPA".into()),
            ],
            qr: "https://auyl.kz/verify/K7Q2M9XD4TPA".into(),
            lang: "kk",
        };
        let pdf = render(&page).expect("a PDF");
        assert!(pdf.starts_with(b"%PDF-"));
        // The font is cut to the glyphs used: a few kilobytes, not DejaVu's 750.
        assert!(pdf.len() < 60_000, "{} bytes", pdf.len());
        if let Ok(path) = std::env::var("DUMP_PDF") {
            std::fs::write(path, &pdf).expect("written");
        }
    }
}
