//! Loan schedules: what a loan costs month by month, in whole tiyn.
//!
//! Money never goes through floating point: the annuity factor is computed in 128-bit fixed
//! point and every amount is rounded **half up to the tiyn** (what Kazakh banks print on their
//! schedules). Rounding differences never leak: an annuity's last payment absorbs them, and a
//! differentiated schedule spreads the principal's remainder over its first payments, one tiyn
//! each, so payments never increase. Only the effective annual rate, a figure for reading, is
//! found with floating point.
//!
//! Grace periods: *interest only* pays the interest and no principal; *full* pays nothing and
//! adds the interest to the debt (capitalised), which later payments repay with the loan.
//!
//! Besides equal payments (annuity) and equal principal parts (differentiated), the schedules
//! agricultural lenders use: *seasonal* pays the interest every month and the principal in
//! equal parts in chosen calendar months (after the harvest, after the lambs are sold), and
//! *balloon* pays the interest every month and the whole principal with the last payment.

use serde::{Deserialize, Serialize};

use super::i18n::{Lang, Msg, t};
use super::money::Tiyn;
use super::params::{FieldError, Problem, decode_query};

/// How the principal is repaid.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Equal payments.
    Annuity,
    /// Equal principal parts plus the interest on what is left: payments shrink.
    Differentiated,
    /// The interest every month; the principal in equal parts in the calendar months the
    /// loan's [`Season`] names (the last payment repays whatever is left).
    Seasonal,
    /// The interest every month; the whole principal with the last payment.
    Balloon,
}

impl Method {
    /// The code used in addresses.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Annuity => "annuity",
            Method::Differentiated => "differentiated",
            Method::Seasonal => "seasonal",
            Method::Balloon => "balloon",
        }
    }

    /// Parses an address code.
    pub fn parse(s: &str) -> Option<Method> {
        match s {
            "annuity" => Some(Method::Annuity),
            "differentiated" => Some(Method::Differentiated),
            "seasonal" => Some(Method::Seasonal),
            "balloon" => Some(Method::Balloon),
            _ => None,
        }
    }
}

/// What is paid during a grace period.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Grace {
    /// The interest, no principal.
    InterestOnly,
    /// Nothing: the interest is added to the debt.
    Full,
}

impl Grace {
    /// The code used in addresses.
    pub fn as_str(self) -> &'static str {
        match self {
            Grace::InterestOnly => "interest_only",
            Grace::Full => "full",
        }
    }

    /// Parses an address code.
    pub fn parse(s: &str) -> Option<Grace> {
        match s {
            "interest_only" => Some(Grace::InterestOnly),
            "full" => Some(Grace::Full),
            _ => None,
        }
    }
}

/// A loan to schedule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Loan {
    /// The amount borrowed.
    pub amount: Tiyn,
    /// Nominal annual rate in basis points.
    pub rate_bps: i32,
    /// Months until the last payment, grace included.
    pub term_months: i32,
    /// Months of grace at the start.
    pub grace_months: i32,
    /// What the grace months pay.
    pub grace: Grace,
    /// How the principal is repaid after the grace.
    pub method: Method,
    /// The calendar of a seasonal schedule (ignored by the other methods).
    #[serde(default)]
    pub season: Season,
}

/// When a seasonal loan repays its principal, in calendar months.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Season {
    /// The calendar months in which principal is repaid: bit 0 is January, bit 11 December.
    pub months: u16,
    /// The calendar month (1–12) of the first payment: the month after the disbursement.
    pub first_month: u8,
}

impl Default for Season {
    /// October and November (after the grain harvest); the first payment in January.
    fn default() -> Season {
        Season {
            months: Season::month(10) | Season::month(11),
            first_month: 1,
        }
    }
}

impl Season {
    /// The bit of calendar month `m` (1–12); 0 for any other number.
    pub fn month(m: u8) -> u16 {
        if (1..=12).contains(&m) {
            1 << (m - 1)
        } else {
            0
        }
    }

    /// The calendar month (1–12) of payment `k` (1-based).
    fn calendar_month(self, k: i32) -> u8 {
        let first = i32::from(self.first_month.clamp(1, 12)) - 1;
        // rem_euclid of a positive modulus is in 0..12.
        u8::try_from((first + k - 1).rem_euclid(12) + 1).unwrap_or(1)
    }

    /// Whether payment `k` repays principal.
    fn repays(self, k: i32) -> bool {
        self.months & Season::month(self.calendar_month(k)) != 0
    }
}

/// The largest amount the calculator takes: 10 billion ₸ (no programme comes near it).
pub const AMOUNT_MAX: Tiyn = Tiyn(1_000_000_000_000);
/// The highest rate it takes: 50 % a year.
pub const RATE_MAX_BPS: i32 = 5_000;
/// The longest term it takes: 30 years.
pub const TERM_MAX_MONTHS: i32 = 360;

/// A programme's limits the loan must keep to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", schema(as = LoanLimits))]
pub struct Limits {
    /// Smallest amount.
    pub amount_min: Option<Tiyn>,
    /// Largest amount.
    pub amount_max: Option<Tiyn>,
    /// Longest term.
    pub term_months_max: Option<i32>,
    /// Longest grace period.
    pub grace_months_max: Option<i32>,
}

impl Loan {
    /// Checks the loan against the calculator's bounds and the programme's limits; the error
    /// names the field.
    pub fn check(&self, limits: &Limits) -> Result<(), FieldError> {
        let Tiyn(amount) = self.amount;
        if amount <= 0 {
            return Err(FieldError::new("amount", Problem::MustBePositive));
        }
        if let Some(Tiyn(max)) = limits.amount_max.filter(|m| m.0 < AMOUNT_MAX.0) {
            if amount > max {
                return Err(FieldError::new(
                    "amount",
                    Problem::AmountAboveCap {
                        max_tenge: max / 100,
                    },
                ));
            }
        } else if amount > AMOUNT_MAX.0 {
            return Err(FieldError::new(
                "amount",
                Problem::AmountAboveCap {
                    max_tenge: AMOUNT_MAX.0 / 100,
                },
            ));
        }
        if let Some(Tiyn(min)) = limits.amount_min
            && amount < min
        {
            return Err(FieldError::new(
                "amount",
                Problem::AmountBelowMin {
                    min_tenge: min / 100,
                },
            ));
        }
        if !(0..=RATE_MAX_BPS).contains(&self.rate_bps) {
            return Err(FieldError::new(
                "rate",
                Problem::OutOfRange {
                    min: 0,
                    max: i64::from(RATE_MAX_BPS / 100),
                },
            ));
        }
        let term_max = limits
            .term_months_max
            .filter(|m| (1..=TERM_MAX_MONTHS).contains(m))
            .unwrap_or(TERM_MAX_MONTHS);
        if !(1..=term_max).contains(&self.term_months) {
            return Err(FieldError::new(
                "term",
                Problem::OutOfRange {
                    min: 1,
                    max: i64::from(term_max),
                },
            ));
        }
        let grace_max = limits
            .grace_months_max
            .unwrap_or(i32::MAX)
            .min(self.term_months - 1);
        if !(0..=grace_max.max(0)).contains(&self.grace_months) {
            return Err(FieldError::new(
                "grace",
                Problem::OutOfRange {
                    min: 0,
                    max: i64::from(grace_max.max(0)),
                },
            ));
        }
        if self.method == Method::Seasonal
            && (self.season.months & 0x0fff == 0 || !(1..=12).contains(&self.season.first_month))
        {
            return Err(FieldError::new("season", Problem::Required));
        }
        Ok(())
    }

    /// The schedule. The loan must have passed [`Loan::check`] (with any limits); otherwise
    /// the result is still defined but not meaningful.
    pub fn schedule(&self) -> Schedule {
        let amount = i128::from(self.amount.0.max(0));
        let bps = i128::from(self.rate_bps.clamp(0, RATE_MAX_BPS));
        let term = self.term_months.clamp(1, TERM_MAX_MONTHS);
        let grace = self.grace_months.clamp(0, term - 1);
        let monthly_interest = |balance: i128| round_half_up(balance * bps, MONTHLY_DEN);

        let mut rows = Vec::with_capacity(usize::try_from(term).unwrap_or_default());
        let mut balance = amount;
        for month in 1..=grace {
            let interest = monthly_interest(balance);
            let row = match self.grace {
                Grace::InterestOnly => Row::new(month, 0, interest, balance),
                Grace::Full => {
                    balance += interest;
                    Row::new(month, -interest, interest, balance)
                }
            };
            rows.push(row);
        }
        let n = term - grace;
        match self.method {
            Method::Annuity => {
                let payment = annuity_payment(balance, bps, n);
                for k in 1..=n {
                    let interest = monthly_interest(balance);
                    let principal = if k == n {
                        balance
                    } else {
                        (payment - interest).clamp(0, balance)
                    };
                    balance -= principal;
                    rows.push(Row::new(grace + k, principal, interest, balance));
                }
            }
            Method::Differentiated => {
                let n128 = i128::from(n);
                let (part, remainder) = (balance / n128, balance % n128);
                for k in 1..=n {
                    let interest = monthly_interest(balance);
                    let principal = part + i128::from(i128::from(k) <= remainder);
                    balance -= principal;
                    rows.push(Row::new(grace + k, principal, interest, balance));
                }
            }
            Method::Seasonal | Method::Balloon => {
                // The months after the grace that repay principal, in equal parts (the first
                // ones a tiyn more while the division leaves some); with none in the term, and
                // for a balloon, the last payment repays it all.
                let repays: Vec<bool> = (1..=n)
                    .map(|k| self.method == Method::Seasonal && self.season.repays(grace + k))
                    .collect();
                let parts = i128::try_from(repays.iter().filter(|r| **r).count()).unwrap_or(0);
                let (part, remainder) = if parts == 0 {
                    (0, 0)
                } else {
                    (balance / parts, balance % parts)
                };
                let mut taken = 0_i128;
                for (k, repays) in (1..=n).zip(repays) {
                    let interest = monthly_interest(balance);
                    let principal = if k == n {
                        balance
                    } else if repays {
                        taken += 1;
                        part + i128::from(taken <= remainder)
                    } else {
                        0
                    };
                    balance -= principal;
                    rows.push(Row::new(grace + k, principal, interest, balance));
                }
            }
        }
        Schedule::from_rows(self.amount, rows)
    }
}

/// The calculator's inputs as the person typed them (kept for showing the form again) and
/// their defaults from the programme.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LoanInput {
    /// Amount in tenge, as typed ("1 500 000").
    pub amount: String,
    /// Annual rate in percent, as typed ("2,5").
    pub rate: String,
    /// Term in months, as typed.
    pub term: String,
    /// Grace months, as typed.
    pub grace: String,
    /// What the grace months pay.
    pub grace_kind: Grace,
    /// How the principal is repaid.
    pub method: Method,
}

impl LoanInput {
    /// The programme's own figures: its largest amount, longest term and highest rate (the
    /// cautious estimate), no grace, equal payments.
    pub fn defaults(limits: &Limits, rate_bps: Option<i32>) -> LoanInput {
        let amount = limits.amount_max.map_or(1_000_000, |a| a.0 / 100);
        LoanInput {
            amount: amount.to_string(),
            rate: rate_text(rate_bps.unwrap_or(0)),
            term: limits.term_months_max.unwrap_or(12).to_string(),
            grace: "0".into(),
            grace_kind: Grace::InterestOnly,
            method: Method::Annuity,
        }
    }

    /// `defaults` with what the query sets (`amount`, `rate`, `term`, `grace`, `grace_kind`,
    /// `method`); other parameters are not the calculator's and are ignored. An unknown
    /// `grace_kind` or `method` is an error (returned beside the inputs), not silently the
    /// default.
    pub fn from_query(
        pairs: &[(String, String)],
        defaults: LoanInput,
    ) -> (LoanInput, Option<FieldError>) {
        let mut input = defaults;
        let mut error = None;
        for (key, value) in pairs {
            match key.as_str() {
                "amount" => input.amount = value.trim().to_owned(),
                "rate" => input.rate = value.trim().to_owned(),
                "term" => input.term = value.trim().to_owned(),
                "grace" => input.grace = value.trim().to_owned(),
                "grace_kind" => match Grace::parse(value) {
                    Some(g) => input.grace_kind = g,
                    None => error = Some(FieldError::new("grace_kind", Problem::NotAccepted)),
                },
                // The calculator offers the two schedules of its form; seasonal and balloon
                // schedules are made for approved loans, whose terms say when the harvest is.
                "method" => match Method::parse(value) {
                    Some(m @ (Method::Annuity | Method::Differentiated)) => input.method = m,
                    Some(Method::Seasonal | Method::Balloon) | None => {
                        error = Some(FieldError::new("method", Problem::NotAccepted))
                    }
                },
                _ => {}
            }
        }
        (input, error)
    }

    /// The loan these inputs describe; the error names the field that is not a number.
    pub fn to_loan(&self) -> Result<Loan, FieldError> {
        let tenge = parse_whole("amount", &self.amount)?;
        Ok(Loan {
            amount: Tiyn(tenge.checked_mul(100).ok_or_else(|| {
                FieldError::new(
                    "amount",
                    Problem::AmountAboveCap {
                        max_tenge: AMOUNT_MAX.0 / 100,
                    },
                )
            })?),
            rate_bps: parse_percent("rate", &self.rate)?,
            term_months: small("term", parse_whole("term", &self.term)?)?,
            grace_months: small("grace", parse_whole("grace", &self.grace)?)?,
            grace: self.grace_kind,
            method: self.method,
            season: Season::default(),
        })
    }

    /// The inputs as a query string (for the CSV link).
    pub fn query(&self) -> String {
        let enc = super::params::encode_component;
        format!(
            "amount={}&rate={}&term={}&grace={}&grace_kind={}&method={}",
            enc(&self.amount),
            enc(&self.rate),
            enc(&self.term),
            enc(&self.grace),
            self.grace_kind.as_str(),
            self.method.as_str()
        )
    }
}

/// A rate for the form: `2,5` for 250 bps.
fn rate_text(bps: i32) -> String {
    let (whole, frac) = (bps / 100, bps % 100);
    match frac {
        0 => whole.to_string(),
        f if f % 10 == 0 => format!("{whole},{}", f / 10),
        f => format!("{whole},{f:02}"),
    }
}

/// A whole number as people type it: spaces between thousands allowed, a trailing ₸ too.
pub fn parse_whole(field: &str, raw: &str) -> Result<i64, FieldError> {
    let digits: String = raw
        .trim()
        .trim_end_matches('₸')
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if digits.is_empty() {
        return Err(FieldError::new(field, Problem::Required));
    }
    let (negative, digits) = match digits.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, digits.as_str()),
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(FieldError::new(field, Problem::NotANumber));
    }
    // Longer than any bound: say it is too large rather than "not a number".
    let value = digits.parse::<i64>().unwrap_or(i64::MAX);
    Ok(if negative { -value } else { value })
}

/// Months fit an `i32`; beyond it they are simply out of range.
fn small(field: &str, n: i64) -> Result<i32, FieldError> {
    i32::try_from(n).map_err(|_| {
        FieldError::new(
            field,
            Problem::OutOfRange {
                min: 0,
                max: i64::from(TERM_MAX_MONTHS),
            },
        )
    })
}

/// A percentage with up to two decimals, comma or point: `2,5` → 250 bps.
pub fn parse_percent(field: &str, raw: &str) -> Result<i32, FieldError> {
    let text: String = raw
        .trim()
        .trim_end_matches('%')
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if text.is_empty() {
        return Err(FieldError::new(field, Problem::Required));
    }
    let (whole, frac) = text.split_once([',', '.']).unwrap_or((&text, ""));
    let ok = !whole.is_empty()
        && whole.len() <= 4
        && frac.len() <= 2
        && whole
            .chars()
            .chain(frac.chars())
            .all(|c| c.is_ascii_digit());
    if !ok {
        return Err(FieldError::new(field, Problem::NotAPercent));
    }
    let whole: i32 = whole.parse().unwrap_or(0);
    let frac: i32 = format!("{frac:0<2}").parse().unwrap_or(0);
    Ok(whole * 100 + frac)
}

/// The denominator of a monthly rate: basis points × 12 months.
const MONTHLY_DEN: i128 = 10_000 * 12;
/// Fixed-point scale of the annuity factor.
const SCALE: i128 = 1_000_000_000_000_000;

/// `num / den` rounded half up (both non-negative, `den` positive).
fn round_half_up(num: i128, den: i128) -> i128 {
    (num + den / 2) / den
}

/// The annuity payment for `balance` over `n` months at `bps` a year, rounded half up.
fn annuity_payment(balance: i128, bps: i128, n: i32) -> i128 {
    if bps == 0 {
        let n = i128::from(n);
        return (balance + n - 1) / n;
    }
    // factor = (1 + r)^n with r = bps / 120 000, in fixed point. Bounded inputs (≤ 50 %,
    // ≤ 360 months, ≤ 10^12 tiyn) keep every product below i128::MAX.
    let step = SCALE + round_half_up(SCALE * bps, MONTHLY_DEN);
    let mut factor = SCALE;
    for _ in 0..n {
        factor = round_half_up(factor * step, SCALE);
    }
    round_half_up(balance * bps * factor, MONTHLY_DEN * (factor - SCALE))
}

/// One month of a schedule, in tiyn.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Row {
    /// 1-based month.
    pub month: i32,
    /// What is paid: principal + interest (0 in a full grace month).
    pub payment: Tiyn,
    /// Principal repaid; negative in a full grace month, when the interest is added to the
    /// debt instead.
    pub principal: Tiyn,
    /// Interest charged.
    pub interest: Tiyn,
    /// Debt after this month.
    pub balance: Tiyn,
}

impl Row {
    fn new(month: i32, principal: i128, interest: i128, balance: i128) -> Row {
        let tiyn = |v: i128| Tiyn(i64::try_from(v).unwrap_or(i64::MAX));
        Row {
            month,
            payment: tiyn(principal + interest),
            principal: tiyn(principal),
            interest: tiyn(interest),
            balance: tiyn(balance),
        }
    }
}

/// A whole schedule and its totals.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Schedule {
    /// Month by month.
    pub rows: Vec<Row>,
    /// All the interest.
    pub total_interest: Tiyn,
    /// Everything paid: the amount plus the interest.
    pub total_paid: Tiyn,
    /// The effective annual rate in basis points: the yearly rate, compounded, at which the
    /// payments are worth the amount today.
    pub effective_rate_bps: i32,
}

impl Schedule {
    fn from_rows(amount: Tiyn, rows: Vec<Row>) -> Schedule {
        let total_interest = rows.iter().map(|r| r.interest.0).sum();
        let total_paid = rows.iter().map(|r| r.payment.0).sum();
        let payments: Vec<i64> = rows.iter().map(|r| r.payment.0).collect();
        let monthly = monthly_irr(amount.0, &payments);
        let effective = (1.0 + monthly).powi(12) - 1.0;
        Schedule {
            rows,
            total_interest: Tiyn(total_interest),
            total_paid: Tiyn(total_paid),
            // A display figure; the cast saturates, and the rate is bounded well inside i32.
            #[allow(clippy::cast_possible_truncation)]
            effective_rate_bps: (effective * 10_000.0).round() as i32,
        }
    }
}

impl Schedule {
    /// The schedule as CSV for a spreadsheet in the reader's language: a byte-order mark (so
    /// Excel reads UTF-8), `;` between fields and a decimal comma in Russian and Kazakh (what
    /// Excel expects in those locales), a point in English; amounts in tenge with two decimals.
    pub fn to_csv(&self, lang: Lang) -> String {
        let (sep, point) = match lang {
            Lang::En => (',', '.'),
            Lang::Ru | Lang::Kk => (';', ','),
        };
        let money = |t: Tiyn| {
            let sign = if t.0 < 0 { "-" } else { "" };
            let abs = t.0.unsigned_abs();
            format!("{sign}{}{point}{:02}", abs / 100, abs % 100)
        };
        let header = [
            Msg::CalcMonth,
            Msg::CalcPayment,
            Msg::CalcPrincipal,
            Msg::CalcInterest,
            Msg::CalcBalance,
        ]
        .map(|m| t(lang, m))
        .join(&sep.to_string());
        let mut out = format!("\u{feff}{header}\r\n");
        for r in &self.rows {
            let fields = [
                r.month.to_string(),
                money(r.payment),
                money(r.principal),
                money(r.interest),
                money(r.balance),
            ];
            out.push_str(&fields.join(&sep.to_string()));
            out.push_str("\r\n");
        }
        out
    }
}

/// The monthly rate at which `payments` (month 1, 2, …) are worth `amount` now, by bisection.
fn monthly_irr(amount: i64, payments: &[i64]) -> f64 {
    #[allow(clippy::cast_precision_loss)]
    let value = |rate: f64| -> f64 {
        let mut discount = 1.0;
        let mut total = 0.0;
        for &p in payments {
            discount /= 1.0 + rate;
            total += p as f64 * discount;
        }
        total - amount as f64
    };
    let (mut low, mut high) = (0.0_f64, 0.1_f64);
    if value(low) <= 0.0 {
        return 0.0;
    }
    for _ in 0..100 {
        let mid = (low + high) / 2.0;
        if value(mid) > 0.0 {
            low = mid;
        } else {
            high = mid;
        }
    }
    (low + high) / 2.0
}

/// The inputs in an address's query (over the programme's defaults) and what they give: the
/// schedule, or the error of the first field that is wrong. The calculator's page and its CSV
/// both read their inputs this way.
pub fn calculate(
    query: &str,
    limits: &Limits,
    rate_bps: Option<i32>,
) -> (LoanInput, Result<Schedule, FieldError>) {
    let defaults = LoanInput::defaults(limits, rate_bps);
    let pairs = match decode_query(query) {
        Ok(pairs) => pairs,
        Err(e) => return (defaults, Err(e)),
    };
    match LoanInput::from_query(&pairs, defaults) {
        (input, Some(e)) => (input, Err(e)),
        (input, None) => {
            let result = input
                .to_loan()
                .and_then(|loan| loan.check(limits).map(|()| loan.schedule()));
            (input, result)
        }
    }
}

#[cfg(test)]
mod tests;
