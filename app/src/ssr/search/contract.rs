//! The search contract: what every `SearchIndex` must do, as one suite run against each engine
//! (always the embedded one; Meilisearch when `MEILI_URL` is set). It loads a small fixed
//! corpus, runs every case, and returns the failures as sentences, so one run reports them all.

use chrono::NaiveDate;

use super::SearchIndex;
use crate::domain::catalog::{ProgramKind, Sector};
use crate::domain::location::KatoCode;
use crate::domain::search::{SearchDoc, SearchQuery, SortOrder};

fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

fn region(code: &str) -> Vec<KatoCode> {
    KatoCode::parse(code).into_iter().collect()
}

#[expect(
    clippy::too_many_arguments,
    reason = "a table of documents reads best as positional rows"
)]
fn doc(
    id: i64,
    kind: ProgramKind,
    title_ru: &str,
    title_kk: &str,
    body: &str,
    sectors: &[Sector],
    regions: Vec<KatoCode>,
    amount: Option<i64>,
    rate: Option<i32>,
    deadline: Option<NaiveDate>,
) -> SearchDoc {
    SearchDoc {
        id,
        slug: format!("contract-{id}"),
        kind,
        title_ru: title_ru.into(),
        title_kk: title_kk.into(),
        summary_ru: String::new(),
        summary_kk: String::new(),
        operator_ru: "Оператор".into(),
        operator_kk: "Оператор".into(),
        body: body.into(),
        sectors: sectors.to_vec(),
        regions,
        amount_max_kzt: amount,
        rate_bps: rate,
        term_months_max: None,
        deadline,
        stamp: crate::domain::search::stamp(1_700_000_000_000 + id, 2026),
    }
}

/// The fixed corpus of the contract.
pub fn corpus() -> Vec<SearchDoc> {
    use ProgramKind::*;
    use Sector::*;
    vec![
        doc(
            1,
            Microcredit,
            "Ауыл аманаты: микрокредит на бизнес в селе",
            "Ауыл аманаты: ауылдағы бизнеске шағын несие",
            "Залог: сельский дом",
            &[],
            vec![],
            Some(10_812_500),
            Some(250),
            None,
        ),
        doc(
            2,
            Loan,
            "Кең дала: весенне-полевые работы",
            "Кең дала: көктемгі егіс жұмыстары",
            "Финансирование горюче-смазочных материалов и семян",
            &[Crop],
            vec![],
            Some(300_000_000),
            Some(500),
            date(2027, 3, 1),
        ),
        doc(
            3,
            Grant,
            "Грант на пчеловодство в Жетісу",
            "Жетісудағы ара шаруашылығына грант",
            "Пасека, мёд",
            &[Beekeeping],
            region("330000000"),
            Some(1_730_000),
            None,
            date(2027, 6, 30),
        ),
        doc(
            4,
            Microcredit,
            "Микрокредит на покупку крупного рогатого скота",
            "Ірі қара мал сатып алуға шағын несие",
            "Животноводство: откорм",
            &[Livestock],
            region("610000000"),
            Some(20_000_000),
            Some(600),
            date(2027, 2, 15),
        ),
        doc(
            5,
            Guarantee,
            "Гарантирование кредитов фонда Даму",
            "Даму қорының кредиттерге кепілдігі",
            "Гарантия до 85 % кредита",
            &[],
            vec![],
            Some(3_500_000_000),
            None,
            None,
        ),
        doc(
            6,
            RateSubsidy,
            "Субсидирование ставки вознаграждения",
            "Сыйақы мөлшерлемесін субсидиялау",
            "Предприниматель платит 7 % в селе",
            &[Trade, Services],
            vec![],
            Some(20_000_000),
            Some(700),
            date(2027, 12, 20),
        ),
        doc(
            7,
            Training,
            "Бастау Бизнес: основы предпринимательства",
            "Бастау Бизнес: кәсіпкерлік негіздері",
            "Курс, сертификат; также полезно тем, кто разводит пчеловодство как хобби",
            &[],
            vec![],
            None,
            None,
            date(2027, 4, 1),
        ),
        doc(
            8,
            Leasing,
            "Лизинг техники для животноводства",
            "Мал шаруашылығына техника лизингі",
            "Трактор, косилка; КРС",
            &[Livestock],
            region("610000000"),
            Some(34_600_000),
            Some(250),
            date(2027, 5, 10),
        ),
        doc(
            9,
            Grant,
            "Грант на бизнес-идею",
            "Бизнес-идеяға грант",
            "Для многодетных семей, кандасов и сельской молодёжи",
            &[],
            region("390000000"),
            Some(1_730_000),
            None,
            date(2026, 12, 1),
        ),
        doc(
            10,
            Microcredit,
            "Микрозайм для сельского магазина",
            "Ауыл дүкеніне шағын несие",
            "Торговля продуктами",
            &[Trade],
            region("630000000"),
            Some(5_000_000),
            Some(1200),
            date(2027, 1, 31),
        ),
        doc(
            11,
            Loan,
            "Кредит на переработку молока",
            "Сүт өңдеуге несие",
            "Мини-цех, оборудование",
            &[AgriProcessing],
            region("390000000"),
            Some(50_000_000),
            Some(600),
            date(2026, 11, 1),
        ),
        doc(
            12,
            Loan,
            "Кредит на молодняк овец",
            "Қой төліне несие",
            "Откорм и отгонное содержание",
            &[Livestock],
            region("330000000"),
            Some(15_000_000),
            Some(800),
            // The same deadline as programme 8: their order is decided by the id.
            date(2027, 5, 10),
        ),
    ]
}

/// The date the contract searches on: document 11's deadline has passed, document 9's has not.
pub fn open_on() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 27).unwrap_or_default()
}

fn query(qs: &str) -> Option<SearchQuery> {
    SearchQuery::from_query_string(qs).ok()
}

/// Runs the whole contract against `index`, which it empties first. Returns the failures.
pub async fn check(index: &dyn SearchIndex) -> Vec<String> {
    run(index).await.1
}

/// Runs the whole contract against `index`, which it empties first. Returns how many cases it
/// checked and the failures.
pub async fn run(index: &dyn SearchIndex) -> (usize, Vec<String>) {
    let mut c = Contract {
        index,
        cases: 0,
        failures: Vec::new(),
    };
    if let Err(e) = c.load().await {
        return (1, vec![e]);
    }
    c.relevance().await;
    c.ranking().await;
    c.order_and_facets().await;
    c.paging().await;
    c.writes().await;
    c.rebuild().await;
    (c.cases, c.failures)
}

/// A contract run: the index, and what it found so far.
struct Contract<'a> {
    index: &'a dyn SearchIndex,
    cases: usize,
    failures: Vec<String>,
}

impl Contract<'_> {
    fn fail(&mut self, msg: String) {
        self.failures.push(msg);
    }

    /// Empties the index and loads the corpus.
    async fn load(&mut self) -> Result<(), String> {
        let index = self.index;
        if let Err(e) = index.rebuild(Vec::new(), None, &|_| {}).await {
            return Err(format!("rebuild to empty failed: {e}"));
        }
        if let Err(e) = index.upsert(&corpus()).await {
            return Err(format!("upsert failed: {e}"));
        }
        if let Err(e) = index.flush().await {
            return Err(format!("flush failed: {e}"));
        }
        match index.count().await {
            Ok(n) if n == corpus().len() as u64 => {}
            other => self.fail(format!("count: expected {}, got {other:?}", corpus().len())),
        }

        Ok(())
    }

    /// Words and their forms, typos, synonyms, scripts: what must be found, and what not.
    async fn relevance(&mut self) {
        let index = self.index;
        // (query string, ids that must be found, ids that must not be found)
        let relevance: &[(&str, &[i64], &[i64])] = &[
            ("q=кен+дала", &[2], &[]),
            ("q=Кең+Дала", &[2], &[]),
            ("q=КЕН", &[2], &[]),
            ("q=аманат", &[1], &[]),
            ("q=амонаты", &[1], &[]),
            ("q=кредт", &[5], &[]),
            ("q=кердит", &[5], &[]),
            ("q=грнт", &[], &[3, 9]),
            ("q=живтноводство", &[4, 8], &[]),
            ("q=микрокредитов", &[1, 4], &[]),
            ("q=микрозайм", &[1, 4, 10], &[]),
            ("q=КРС", &[4, 8], &[]),
            ("q=ірі+қара+мал", &[4, 8], &[]),
            ("q=субсидия", &[6], &[]),
            ("q=гарантия", &[5], &[]),
            ("q=ара+шаруашылығы", &[3], &[]),
            ("q=кен+дала+xyzzy", &[2], &[]),
            ("q=бизнес-идея", &[9], &[]),
            ("q=переработку+молока", &[], &[11]),
            // Kazakh typed in the Latin alphabet, ASCII or 2021 letters.
            ("q=Auyl+amanaty", &[1], &[2]),
            ("q=Ken+dala", &[2], &[1]),
            ("q=Keng+dala", &[2], &[]),
            ("q=Aýyl", &[1], &[]),
            ("q=mikrokredit", &[1, 4], &[]),
            // A typo never turns one kind of support into another.
            ("q=гарантия", &[5], &[3, 9]),
            ("q=гранты", &[3, 9], &[5]),
            // The young people, not the young livestock.
            ("q=молодым", &[9], &[12]),
            ("q=молодняк", &[12], &[9]),
            // Every word must match.
            ("q=лизинг+техники", &[8], &[4, 12]),
            ("q=кредит+овец", &[12], &[4, 10, 11]),
        ];
        for (qs, must, must_not) in relevance {
            self.cases += 1;
            let Some(q) = query(qs) else {
                self.fail(format!("{qs}: does not parse"));
                continue;
            };
            match index.search(&q, open_on()).await {
                Ok(r) => {
                    let ids: Vec<i64> = r.hits.iter().map(|h| h.id).collect();
                    for id in *must {
                        if !ids.contains(id) {
                            self.fail(format!("{qs}: expected programme {id} among {ids:?}"));
                        }
                    }
                    for id in *must_not {
                        if ids.contains(id) {
                            self.fail(format!(
                                "{qs}: programme {id} must not be found, got {ids:?}"
                            ));
                        }
                    }
                    if r.total != r.hits.len() as u64 && r.hits.len() < q.per_page as usize {
                        self.fail(format!(
                            "{qs}: total {} disagrees with {} hits on a partial page",
                            r.total,
                            r.hits.len()
                        ));
                    }
                }
                Err(e) => self.fail(format!("{qs}: search failed: {e}")),
            }
        }
    }

    /// A title match comes before a body-only match.
    async fn ranking(&mut self) {
        let index = self.index;
        // Ranking: a title match comes before a body-only match.
        self.cases += 1;
        if let Some(q) = query("q=пчеловодство")
            && let Ok(r) = index.search(&q, open_on()).await
        {
            let ids: Vec<i64> = r.hits.iter().map(|h| h.id).collect();
            if ids.first() != Some(&3) || !ids.contains(&7) {
                self.fail(format!(
                    "q=пчеловодство: expected 3 (title) before 7 (body), got {ids:?}"
                ));
            }
        }
    }

    /// Filters, orders and facets counted without their own filter.
    async fn order_and_facets(&mut self) {
        let index = self.index;
        // Filters, and facets counted without their own filter.
        let ordered: &[(&str, &[i64])] = &[
            ("kind=grant", &[9, 3]),
            ("sector=livestock&sort=amount", &[5, 8, 4, 12, 1, 9, 7]),
            // Equal deadlines (8 and 12; 1 and 5 have none) are ordered by the id.
            ("sector=livestock&sort=deadline", &[9, 4, 7, 8, 12, 1, 5]),
            // Relevance: fields (title before the rest), then typos, then nationwide, then the id.
            // Every match is in a title: nationwide ones first, then by id.
            ("q=кредит", &[1, 5, 4, 10, 12]),
            ("q=кредит&kind=loan", &[12]),
            ("region=610000000&kind=microcredit&sort=amount", &[4, 1]),
            ("sort=rate&kind=microcredit", &[1, 4, 10]),
            ("sort=deadline&kind=grant", &[9, 3]),
            ("sort=amount&region=390000000", &[5, 2, 6, 1, 9, 7]),
            ("q=гарантия&kind=loan", &[]),
        ];
        for (qs, expected) in ordered {
            self.cases += 1;
            let Some(q) = query(qs) else {
                self.fail(format!("{qs}: does not parse"));
                continue;
            };
            match index.search(&q, open_on()).await {
                Ok(r) => {
                    let ids: Vec<i64> = r.hits.iter().map(|h| h.id).collect();
                    if ids != *expected {
                        self.fail(format!(
                            "{qs}: expected {expected:?} in this order, got {ids:?}"
                        ));
                    }
                    if r.total != expected.len() as u64 {
                        self.fail(format!(
                            "{qs}: expected total {}, got {}",
                            expected.len(),
                            r.total
                        ));
                    }
                }
                Err(e) => self.fail(format!("{qs}: search failed: {e}")),
            }
        }

        self.cases += 1;
        if let Some(q) = query("kind=microcredit&region=610000000")
            && let Ok(r) = index.search(&q, open_on()).await
        {
            // kind facet: everything available in Turkestan (own + nationwide), any kind.
            let kinds = &r.facets.kind;
            let expect = [
                ("microcredit", 2),
                ("loan", 1),
                ("guarantee", 1),
                ("rate_subsidy", 1),
                ("training", 1),
                ("leasing", 1),
            ];
            for (kind, n) in expect {
                if kinds.get(kind) != Some(&n) {
                    self.fail(format!(
                        "kind facet for {kind}: expected {n}, got {:?} in {kinds:?}",
                        kinds.get(kind)
                    ));
                }
            }
            if kinds.contains_key("grant") {
                self.fail(format!(
                    "kind facet: no grant is available in Turkestan, got {kinds:?}"
                ));
            }
            // region facet: microcredits per region, nationwide ones counted in every region.
            let regions = &r.facets.region;
            let expect = [
                ("610000000", 2),
                ("630000000", 2),
                ("330000000", 1),
                ("710000000", 1),
            ];
            for (code, n) in expect {
                if regions.get(code) != Some(&n) {
                    self.fail(format!(
                        "region facet for {code}: expected {n}, got {:?} in {regions:?}",
                        regions.get(code)
                    ));
                }
            }
            // sector facet: microcredits in Turkestan; programme 1 is open to every sector.
            let sectors = &r.facets.sector;
            if sectors.get("livestock") != Some(&2) || sectors.get("crafts") != Some(&1) {
                self.fail(format!(
                    "sector facet: expected livestock 2 and crafts 1, got {sectors:?}"
                ));
            }
        } else {
            self.fail("facet search failed".into());
        }
    }

    /// Paging is stable and complete.
    async fn paging(&mut self) {
        let index = self.index;
        // Paging is stable and complete.
        self.cases += 1;
        let mut seen = Vec::new();
        for page in 1..=4 {
            let Some(q) = query(&format!(
                "per_page=3&page={page}&sort={}",
                SortOrder::Amount.as_str()
            )) else {
                continue;
            };
            match index.search(&q, open_on()).await {
                Ok(r) => {
                    if r.total != 11 {
                        self.fail(format!(
                            "paging: total should be 11 (one expired), got {}",
                            r.total
                        ));
                    }
                    seen.extend(r.hits.iter().map(|h| h.id));
                }
                Err(e) => self.fail(format!("paging page {page}: {e}")),
            }
        }
        let mut sorted = seen.clone();
        sorted.sort_unstable();
        sorted.dedup();
        if sorted.len() != 11 || seen.len() != 11 {
            self.fail(format!(
                "paging: expected 11 distinct programmes over 4 pages, got {seen:?}"
            ));
        }
    }

    /// Writes: replace, then delete.
    async fn writes(&mut self) {
        let index = self.index;
        // Writes: replace, then delete.
        self.cases += 1;
        let mut changed = corpus()[1].clone();
        changed.title_ru = "Весенний сев: новая редакция".into();
        changed.title_kk = "Көктемгі егіс".into();
        let find = |text: &'static str| {
            let q = SearchQuery {
                text: text.into(),
                ..SearchQuery::default()
            };
            async move { index.search(&q, open_on()).await }
        };
        let rewrite = async {
            index.upsert(&[changed]).await?;
            index.flush().await?;
            let old = find("кең дала").await?;
            let new = find("редакция").await?;
            index.delete(&[2, 999]).await?;
            index.flush().await?;
            let gone = find("редакция").await?;
            Ok::<_, super::SearchError>((old, new, gone, index.count().await?))
        };
        match rewrite.await {
            Ok((old, new, gone, count)) => {
                if old.hits.iter().any(|h| h.id == 2) {
                    self.fail("upsert: the old title still matches".into());
                }
                if new.hits.first().map(|h| h.id) != Some(2) {
                    self.fail("upsert: the new title does not match".into());
                }
                if gone.total != 0 || count != corpus().len() as u64 - 1 {
                    self.fail(format!(
                        "delete: expected programme 2 gone and {} left, got {} / {count}",
                        corpus().len() - 1,
                        gone.total
                    ));
                }
            }
            Err(e) => self.fail(format!("writes failed: {e}")),
        }
    }

    /// Rebuild replaces everything at once.
    async fn rebuild(&mut self) {
        let index = self.index;
        // Rebuild replaces everything at once.
        self.cases += 1;
        let rebuilt = async {
            index.rebuild(corpus()[..3].to_vec(), None, &|_| {}).await?;
            index.flush().await?;
            index.count().await
        };
        match rebuilt.await {
            Ok(3) => {}
            other => self.fail(format!("rebuild: expected 3 documents, got {other:?}")),
        }
    }
}
