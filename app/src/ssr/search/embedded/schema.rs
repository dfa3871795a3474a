//! The tantivy schema of the embedded index.

use chrono::NaiveDate;
use tantivy::schema::{
    FAST, FacetOptions, Field, INDEXED, IndexRecordOption, STORED, Schema, TextFieldIndexing,
    TextOptions,
};

/// The tokenizer of analysed text: `domain::text::{words, stems}` have already folded (and
/// stemmed) every word, so splitting on spaces is all that is left to do.
pub(super) const TOKENIZER: &str = "terms";
/// Facet value for programmes open to every sector.
pub(super) const ANY_SECTOR: &str = "any";
/// Facet value for nationwide programmes.
pub(super) const NATIONWIDE: &str = "nationwide";

/// The fields of the schema.
#[derive(Clone, Copy)]
pub(super) struct Fields {
    pub(super) id: Field,
    pub(super) hit: Field,
    /// Per text, a field of folded words and their Latin spellings (typos, prefixes) and one of
    /// stems (word forms). The words fields were renamed `*_words` when they began to hold the
    /// Latin spellings, so that an index written before is seen as another schema and rebuilt.
    pub(super) title: (Field, Field),
    pub(super) summary: (Field, Field),
    pub(super) body: (Field, Field),
    pub(super) kind: Field,
    pub(super) sector: Field,
    pub(super) region: Field,
    pub(super) deadline: Field,
    pub(super) amount: Field,
    pub(super) rate: Field,
    pub(super) stamp: Field,
}

/// Builds the schema; the same every time, so an index written by another version is detected.
pub(super) fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let f = Fields {
        id: b.add_i64_field("id", INDEXED | STORED | FAST),
        // The result card as JSON, so a page of results needs no database round trip.
        hit: b.add_text_field("hit", STORED),
        title: (
            b.add_text_field("title_words", text.clone()),
            b.add_text_field("title_stems", text.clone()),
        ),
        summary: (
            b.add_text_field("summary_words", text.clone()),
            b.add_text_field("summary_stems", text.clone()),
        ),
        body: (
            b.add_text_field("body_words", text.clone()),
            b.add_text_field("body_stems", text),
        ),
        kind: b.add_facet_field("kind", FacetOptions::default()),
        sector: b.add_facet_field("sector", FacetOptions::default()),
        region: b.add_facet_field("region", FacetOptions::default()),
        // Days since 1970-01-01; no deadline is i64::MAX so that it sorts last.
        deadline: b.add_i64_field("deadline", INDEXED | FAST),
        amount: b.add_i64_field("amount", FAST),
        rate: b.add_i64_field("rate", FAST),
        stamp: b.add_i64_field("stamp", FAST),
    };
    (b.build(), f)
}

/// Days since 1970-01-01, the deadline's stored form.
pub(super) fn days(date: NaiveDate) -> i64 {
    i64::from(date.signed_duration_since(NaiveDate::default()).num_days() as i32)
}
