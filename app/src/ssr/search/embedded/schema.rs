//! The tantivy schema of the embedded index.

use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, Schema, TextFieldIndexing, TextOptions,
};

/// The tokenizer of analysed text: `domain::text::index_text` has already prepared every term,
/// so splitting on spaces is all that is left to do.
pub(super) const TOKENIZER: &str = "terms";
/// Bit of `sectors` set for programmes open to every sector.
pub(super) const ANY_SECTOR_BIT: u64 = 1 << 63;
/// Bit of `regions` set for nationwide programmes.
pub(super) const NATIONWIDE_BIT: u64 = 1 << 63;

/// The fields of the schema.
#[derive(Clone, Copy)]
pub(super) struct Fields {
    pub(super) id: Field,
    pub(super) hit: Field,
    /// The searchable texts in ranking order (title, summary, the rest), as the terms of
    /// `text::index_text`, with positions (a split word must find its halves side by side).
    /// Named `*_terms` since they hold the synonym tokens, so that an index written before is
    /// seen as another schema and rebuilt.
    pub(super) text: [Field; 3],
    /// `domain::matching::Meta`, field by field.
    pub(super) kind: Field,
    pub(super) sectors: Field,
    pub(super) regions: Field,
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
        text: [
            b.add_text_field("title_terms", text.clone()),
            b.add_text_field("summary_terms", text.clone()),
            b.add_text_field("body_terms", text),
        ],
        kind: b.add_u64_field("kind", FAST),
        sectors: b.add_u64_field("sectors", FAST),
        regions: b.add_u64_field("regions", FAST),
        deadline: b.add_i64_field("deadline", FAST),
        amount: b.add_i64_field("amount", FAST),
        rate: b.add_i64_field("rate", FAST),
        stamp: b.add_i64_field("stamp", FAST),
    };
    (b.build(), f)
}
