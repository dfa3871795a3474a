//! The operator's side of an application's page: the decision forms (each its own form, so
//! each asks only for what it needs), and the desk beside them: the applicant and how the
//! programme's conditions stand for them, the budget, the reviewers and their rubric scores,
//! the private notes. Also the decision as the applicant reads it. No JavaScript needed.

use leptos::prelude::*;

use crate::components::form::{aria_describedby, aria_invalid, error_id};
use crate::domain::application::State;
use crate::domain::i18n::{Lang, Msg, format_date, pick, t, tf};
use crate::domain::loan::Method;
use crate::domain::money::Tenge;
use crate::domain::review::{Decision, Desk, RejectReason, Verdict, hundredths, score_field};

fn percent(lang: Lang, bps: i32) -> String {
    let sep = if lang == Lang::En { "." } else { "," };
    format!("{}{sep}{:02} %", bps / 100, bps % 100)
}

/// A repayment method's name.
pub(crate) fn method_label(m: Method) -> Msg {
    match m {
        Method::Annuity => Msg::CalcAnnuity,
        Method::Differentiated => Msg::CalcDifferentiated,
        Method::Seasonal => Msg::LoanSeasonal,
        Method::Balloon => Msg::LoanBalloon,
    }
}

/// What was decided, for everyone who reads the application.
pub(super) fn decision(lang: Lang, d: &Decision) -> Option<AnyView> {
    if d.is_empty() {
        return None;
    }
    let mut rows = Vec::new();
    if let Some(due) = d.due_on {
        rows.push((t(lang, Msg::DecisionDue), format_date(lang, due)));
    }
    if let Some(a) = &d.approval {
        rows.push((
            t(lang, Msg::DecisionAmount),
            Tenge(a.amount_kzt).format(lang),
        ));
        if let Some(term) = a.term_months {
            rows.push((
                t(lang, Msg::DecisionTerm),
                tf(lang, Msg::DecisionMonths, &[("n", &term.to_string())]),
            ));
        }
        if let Some(rate) = a.rate_bps {
            rows.push((t(lang, Msg::DecisionRate), percent(lang, rate)));
        }
        if let Some(grace) = a.grace_months.filter(|g| *g > 0) {
            rows.push((
                t(lang, Msg::LoanGraceMonths),
                tf(lang, Msg::DecisionMonths, &[("n", &grace.to_string())]),
            ));
        }
        if let Some(method) = a.method {
            let mut text = t(lang, method_label(method)).to_owned();
            if let Some(mask) = a.season_months.filter(|_| method == Method::Seasonal) {
                let months: Vec<&str> = (0..12)
                    .filter(|m| mask & (1 << m) != 0)
                    .map(|m| crate::domain::i18n::month_name(lang, m))
                    .collect();
                text = format!("{text}: {}", months.join(", "));
            }
            rows.push((t(lang, Msg::CalcMethod), text));
        }
        if let Some(c) = &a.conditions {
            rows.push((t(lang, Msg::DecisionConditions), c.clone()));
        }
    }
    if let Some(r) = d.rejection {
        rows.push((t(lang, Msg::DecisionRejectReason), r.label(lang).to_owned()));
    }
    if let Some(p) = &d.disbursement {
        rows.push((
            t(lang, Msg::DecisionPaid),
            tf(
                lang,
                Msg::DecisionPaidText,
                &[
                    ("amount", &Tenge(p.amount_kzt).format(lang)),
                    ("date", &format_date(lang, p.date)),
                    ("reference", &p.reference),
                ],
            ),
        ));
    }
    let items = rows
        .into_iter()
        .map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> })
        .collect::<Vec<_>>();
    Some(
        view! {
            <section aria-labelledby="decision" class="decision" data-testid="decision">
                <h2 id="decision">{t(lang, Msg::DecisionTitle)}</h2>
                <dl>{items}</dl>
            </section>
        }
        .into_any(),
    )
}

/// What the person typed in field `name` before a refused post (it comes back in the address).
fn typed(name: &str) -> Option<String> {
    crate::components::form::query_param(name).filter(|v| !v.is_empty())
}

pub(super) fn field(
    lang: Lang,
    id: &'static str,
    label: Msg,
    kind: &'static str,
    value: Option<String>,
    err: &dyn Fn(&str) -> Option<String>,
) -> impl IntoView + use<> {
    let value = typed(id).or(value);
    let e = err(id);
    let described = aria_describedby(id, false, e.is_some());
    let invalid = aria_invalid(e.is_some());
    view! {
        <div class="field" class:field-error=e.is_some()>
            <label for=id>{t(lang, label)}</label>
            {e.clone().map(|m| view! { <p class="error-message" id=error_id(id)>{m}</p> })}
            <input id=id name=id type=kind value=value aria-describedby=described aria-invalid=invalid />
        </div>
    }
}

fn area(
    lang: Lang,
    id: &'static str,
    label: Msg,
    err: &dyn Fn(&str) -> Option<String>,
) -> impl IntoView + use<> {
    let e = err(id);
    view! {
        <div class="field" class:field-error=e.is_some()>
            <label for=id>{t(lang, label)}</label>
            {e.clone().map(|m| view! { <p class="error-message" id=error_id(id)>{m}</p> })}
            <textarea id=id name=id rows="2">{typed(id)}</textarea>
        </div>
    }
}

/// How a loan is repaid (a select) and a seasonal loan's months (a box per month).
fn schedule_fields(lang: Lang, err: &dyn Fn(&str) -> Option<String>) -> impl IntoView + use<> {
    let chosen = typed("approved_method").unwrap_or_else(|| "annuity".to_owned());
    let methods = [
        (Method::Annuity, Msg::CalcAnnuity),
        (Method::Differentiated, Msg::CalcDifferentiated),
        (Method::Seasonal, Msg::LoanSeasonal),
        (Method::Balloon, Msg::LoanBalloon),
    ]
    .into_iter()
    .map(|(m, label)| {
        view! { <option value=m.as_str() selected=chosen == m.as_str()>{t(lang, label)}</option> }
    })
    .collect::<Vec<_>>();
    let e = err("approved_method");
    let s = err("approved_season");
    let ticked: Vec<String> = crate::components::form::query_params("approved_season");
    let months = (1..=12_u8)
        .map(|m| {
            let id = format!("approved_season-{m}");
            let on = ticked.iter().any(|v| v == &m.to_string());
            view! {
                <label class="check" for=id.clone()>
                    <input type="checkbox" id=id.clone() name="approved_season" value=m.to_string() checked=on />
                    {crate::domain::i18n::month_name(lang, usize::from(m - 1))}
                </label>
            }
        })
        .collect::<Vec<_>>();
    view! {
        <div class="field" class:field-error=e.is_some()>
            <label for="approved_method">{t(lang, Msg::CalcMethod)}</label>
            {e.clone().map(|m| view! { <p class="error-message" id="approved_method-error">{m}</p> })}
            <select id="approved_method" name="approved_method">{methods}</select>
        </div>
        <fieldset class="field months" class:field-error=s.is_some() id="approved_season">
            <legend>{t(lang, Msg::LoanSeasonMonths)}</legend>
            {s.clone().map(|m| view! { <p class="error-message" id="approved_season-error">{m}</p> })}
            {months}
        </fieldset>
    }
}

/// The decision forms allowed in `state`.
#[expect(
    clippy::too_many_arguments,
    reason = "the page's parts, each needed by some form"
)]
pub(super) fn actions(
    lang: Lang,
    action: &str,
    state: State,
    version: i32,
    asked_kzt: Option<i64>,
    approved_kzt: Option<i64>,
    desk: Option<&Desk>,
    err: &dyn Fn(&str) -> Option<String>,
) -> Option<AnyView> {
    let hidden = move || view! { <input type="hidden" name="version" value=version /> };
    let button = |step: &'static str, label: Msg, primary: bool| {
        let class = if primary {
            "button"
        } else {
            "button button-secondary"
        };
        view! { <button type="submit" name="action" value=step class=class data-testid=format!("op-{step}")>{t(lang, label)}</button> }
    };
    let lends = desk.is_none_or(|d| d.limits.lends);
    let forms = match state {
        State::Submitted => view! {
            <form method="post" action=action.to_owned() enctype="multipart/form-data">
                {hidden()}
                <div class="actions">{button("start_review", Msg::AppOpStartReview, true)}</div>
            </form>
        }
        .into_any(),
        State::InReview => {
            let chosen = typed("reject_reason");
            let reasons = RejectReason::ALL
                .iter()
                .map(|r| {
                    let selected = chosen.as_deref() == Some(r.as_str());
                    view! { <option value=r.as_str() selected=selected>{r.label(lang)}</option> }
                })
                .collect::<Vec<_>>();
            let e = err("reject_reason");
            view! {
                <details class="op-form" open=err("items").is_some() || err("due_on").is_some()>
                    <summary>{t(lang, Msg::AppOpRequestInfo)}</summary>
                    <form method="post" action=action.to_owned() enctype="multipart/form-data" data-testid="form-request_info">
                        {hidden()}
                        {area(lang, "items", Msg::AppOpItems, err)}
                        {field(lang, "due_on", Msg::DecisionDue, "date", None, err)}
                        <div class="actions">{button("request_info", Msg::AppOpRequestInfo, false)}</div>
                    </form>
                </details>
                <details class="op-form" open=["approved_amount", "approved_term", "approved_rate", "approved_grace", "approved_method", "approved_season", "conditions"].iter().any(|f| err(f).is_some())>
                    <summary>{t(lang, Msg::AppOpApprove)}</summary>
                    <form method="post" action=action.to_owned() enctype="multipart/form-data" data-testid="form-approve">
                        {hidden()}
                        {field(lang, "approved_amount", Msg::DecisionAmount, "text", asked_kzt.map(|a| a.to_string()), err)}
                        {lends.then(|| view! {
                            {field(lang, "approved_term", Msg::DecisionTermMonths, "number", None, err)}
                            {field(lang, "approved_rate", Msg::DecisionRatePercent, "text", None, err)}
                            {field(lang, "approved_grace", Msg::LoanGraceMonths, "number", None, err)}
                            {schedule_fields(lang, err)}
                        })}
                        {area(lang, "conditions", Msg::DecisionConditions, err)}
                        <div class="actions">{button("approve", Msg::AppOpApprove, true)}</div>
                    </form>
                </details>
                <details class="op-form" open=e.is_some() || err("reason").is_some()>
                    <summary>{t(lang, Msg::AppOpReject)}</summary>
                    <form method="post" action=action.to_owned() enctype="multipart/form-data" data-testid="form-reject">
                        {hidden()}
                        <div class="field" class:field-error=e.is_some()>
                            <label for="reject_reason">{t(lang, Msg::DecisionRejectReason)}</label>
                            {e.clone().map(|m| view! { <p class="error-message" id="reject_reason-error">{m}</p> })}
                            <select id="reject_reason" name="reject_reason">{reasons}</select>
                        </div>
                        {area(lang, "reason", Msg::DecisionRejectText, err)}
                        <div class="actions">{button("reject", Msg::AppOpReject, false)}</div>
                    </form>
                </details>
            }
            .into_any()
        }
        State::Approved => view! {
            <form method="post" action=action.to_owned() enctype="multipart/form-data" data-testid="form-disburse">
                {hidden()}
                {field(lang, "disbursed_on", Msg::DecisionPaidOn, "date", None, err)}
                {field(lang, "disbursed_amount", Msg::DecisionPaidAmount, "text", approved_kzt.map(|a| a.to_string()), err)}
                {field(lang, "reference", Msg::DecisionReference, "text", None, err)}
                <div class="actions">{button("disburse", Msg::AppOpDisburse, true)}</div>
            </form>
        }
        .into_any(),
        _ => return None,
    };
    Some(
        view! {
            <section aria-labelledby="operator" class="operator-actions">
                <h2 id="operator">{t(lang, Msg::AppOperatorTitle)}</h2>
                {forms}
            </section>
        }
        .into_any(),
    )
}

/// The desk: who applies, how they fit, the budget, the reviewers and scores, the notes.
pub(super) fn desk(
    lang: Lang,
    action: &str,
    state: State,
    d: &Desk,
    err: &dyn Fn(&str) -> Option<String>,
) -> AnyView {
    view! {
        <section aria-labelledby="desk" class="desk" data-testid="desk">
            <h2 id="desk">{t(lang, Msg::DeskTitle)}</h2>
            {applicant(lang, d)}
            {fit(lang, d)}
            {budget(lang, d)}
            {review(lang, action, state, d, err)}
            {notes(lang, action, d, err)}
        </section>
    }
    .into_any()
}

/// Who applies: name, phone, settlement, and how long the application has waited.
fn applicant(lang: Lang, d: &Desk) -> impl IntoView + use<> {
    view! {
        <dl class="desk-applicant" data-testid="desk-applicant">
            <dt>{t(lang, Msg::QueueApplicant)}</dt><dd>{d.applicant.clone()}</dd>
            {d.phone.clone().map(|p| view! { <dt>{t(lang, Msg::DeskPhone)}</dt><dd><a href=format!("tel:{p}")>{p.clone()}</a></dd> })}
            {d.settlement.clone().map(|s| view! { <dt>{t(lang, Msg::QueueSettlement)}</dt><dd>{s}</dd> })}
            <dt>{t(lang, Msg::QueueWaiting)}</dt>
            <dd class:overdue=d.overdue data-testid="desk-days">
                {tf(lang, Msg::QueueDays, &[("n", &d.days_in_state.to_string())])}
                {d.overdue.then(|| view! { " · " {tf(lang, Msg::QueueOverdue, &[("n", &d.target_days.to_string())])} })}
            </dd>
        </dl>
    }
}

/// How the applicant fits the programme's conditions.
fn fit(lang: Lang, d: &Desk) -> Option<impl IntoView + use<>> {
    d.fit.as_ref().and_then(|(data, facts)| {
        let ranked = crate::domain::eligibility::rank(&data.candidates, facts, &data.ctx);
        ranked.first().map(|m| {
            let lines = crate::features::matches::explain_lines(lang, data, facts, m);
            view! {
                <section aria-labelledby="desk-fit" data-testid="desk-fit">
                    <h3 id="desk-fit">{t(lang, Msg::DeskFit)}</h3>
                    {lines}
                </section>
            }
        })
    })
}

/// The programme's budget envelopes.
fn budget(lang: Lang, d: &Desk) -> Option<impl IntoView + use<>> {
    (!d.envelopes.is_empty()).then(|| {
        let rows = d
            .envelopes
            .iter()
            .map(|e| {
                view! {
                    <tr>
                        <th scope="row">{e.label(lang)}</th>
                        <td class="num">{Tenge(e.total_kzt).format(lang)}</td>
                        <td class="num">{Tenge(e.approved_kzt).format(lang)}</td>
                        <td class="num">{Tenge(e.disbursed_kzt).format(lang)}</td>
                        <td class="num" data-testid="budget-left">{Tenge(e.remaining_kzt()).format(lang)}</td>
                    </tr>
                }
            })
            .collect::<Vec<_>>();
        view! {
            <section aria-labelledby="desk-budget">
                <h3 id="desk-budget">{t(lang, Msg::DeskBudget)}</h3>
                <div class="table-scroll" tabindex="0">
                    <table data-testid="budget">
                        <thead><tr>
                            <th scope="col"></th>
                            <th scope="col">{t(lang, Msg::DeskBudgetTotal)}</th>
                            <th scope="col">{t(lang, Msg::DeskBudgetApproved)}</th>
                            <th scope="col">{t(lang, Msg::DeskBudgetPaid)}</th>
                            <th scope="col">{t(lang, Msg::DeskBudgetLeft)}</th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            </section>
        }
    })
}

/// The review: who reviews (and taking it or leaving it), the scores so far, and the
/// reviewer's own score sheet.
fn review(
    lang: Lang,
    action: &str,
    state: State,
    d: &Desk,
    err: &dyn Fn(&str) -> Option<String>,
) -> impl IntoView + use<> {
    let reviewers = d
        .assignees
        .iter()
        .map(|(_, n)| n.clone())
        .collect::<Vec<_>>()
        .join(", ");
    let assign_button = if d.assigned_to_me {
        ("unassign_me", Msg::DeskUnassignMe)
    } else {
        ("assign_me", Msg::DeskAssignMe)
    };
    let open = matches!(
        state,
        State::Submitted | State::InReview | State::InfoRequested
    );
    let score_form = (open && d.assigned_to_me && !d.rubric.is_empty())
        .then(|| score_form(lang, action, d, err));
    view! {
        <section aria-labelledby="desk-review">
            <h3 id="desk-review">{t(lang, Msg::DeskReview)}</h3>
            <p data-testid="assignees">{t(lang, Msg::QueueReviewers)} ": " {if reviewers.is_empty() { "—".to_owned() } else { reviewers }}</p>
            <form method="post" action=action.to_owned() enctype="multipart/form-data">
                <input type="hidden" name="version" value="0" />
                <button type="submit" name="action" value=assign_button.0 class="button button-secondary" data-testid=assign_button.0>{t(lang, assign_button.1)}</button>
            </form>
            {panel(lang, d)}
            {score_form}
        </section>
    }
}

/// The reviewer's score sheet, and abstaining for a conflict of interest.
fn score_form(
    lang: Lang,
    action: &str,
    d: &Desk,
    err: &dyn Fn(&str) -> Option<String>,
) -> impl IntoView + use<> {
    let mine = match &d.mine {
        Some(Verdict::Scored(s)) => s.clone(),
        _ => Default::default(),
    };
    let criteria = d
        .rubric
        .iter()
        .map(|c| {
            let name = score_field(&c.key);
            let e = err(&name);
            let chosen = mine.get(&c.key).copied();
            let options = (0..=crate::domain::review::MAX_SCORE)
                .map(|v| {
                    let hint = c
                        .levels
                        .get(usize::from(v))
                        .map(|l| format!(" — {}", pick(lang, &l.ru, &l.kk)))
                        .unwrap_or_default();
                    view! { <option value=v.to_string() selected=chosen == Some(v)>{format!("{v}{hint}")}</option> }
                })
                .collect::<Vec<_>>();
            let id = name.clone();
            view! {
                <div class="field" class:field-error=e.is_some()>
                    <label for=id.clone()>{format!("{} ({} %)", pick(lang, &c.ru, &c.kk), c.weight)}</label>
                    {e.clone().map(|m| view! { <p class="error-message">{m}</p> })}
                    <select id=id.clone() name=id>
                        <option value="" selected=chosen.is_none()>"—"</option>
                        {options}
                    </select>
                </div>
            }
        })
        .collect::<Vec<_>>();
    let conflict_err = err("conflict");
    view! {
        <form method="post" action=action.to_owned() enctype="multipart/form-data" data-testid="score-form">
            <input type="hidden" name="version" value="0" />
            {criteria}
            <div class="field">
                <label for="comment">{t(lang, Msg::DeskComment)}</label>
                <textarea id="comment" name="comment" rows="2">{typed("comment")}</textarea>
            </div>
            <div class="actions"><button type="submit" name="action" value="score" class="button" data-testid="score">{t(lang, Msg::DeskScore)}</button></div>
        </form>
        <details class="op-form" open=conflict_err.is_some()>
            <summary>{t(lang, Msg::DeskAbstain)}</summary>
            <form method="post" action=action.to_owned() enctype="multipart/form-data" data-testid="abstain-form">
                <input type="hidden" name="version" value="0" />
                <input type="hidden" name="abstain" value="1" />
                <div class="field" class:field-error=conflict_err.is_some()>
                    <label for="conflict">{t(lang, Msg::DeskConflict)}</label>
                    {conflict_err.clone().map(|m| view! { <p class="error-message">{m}</p> })}
                    <textarea id="conflict" name="conflict" rows="2">{typed("conflict")}</textarea>
                </div>
                <div class="actions"><button type="submit" name="action" value="score" class="button button-secondary" data-testid="abstain">{t(lang, Msg::DeskAbstain)}</button></div>
            </form>
        </details>
    }
}

/// Every reviewer's scores, criterion by criterion, and the means.
fn panel(lang: Lang, d: &Desk) -> Option<impl IntoView + use<>> {
    let sheets = d
        .panel
        .sheets
        .iter()
        .map(|s| {
            let cells = d
                .rubric
                .iter()
                .map(|c| {
                    let v = match &s.verdict {
                        Verdict::Scored(sc) => sc.get(&c.key).map(|v| v.to_string()).unwrap_or_default(),
                        Verdict::Abstained(_) => String::new(),
                    };
                    view! { <td class="num">{v}</td> }
                })
                .collect::<Vec<_>>();
            let total = match &s.verdict {
                Verdict::Scored(_) => s.total.map(|v| hundredths(lang, v)).unwrap_or_default(),
                Verdict::Abstained(why) => tf(lang, Msg::DeskAbstained, &[("why", why)]),
            };
            view! { <tr data-testid="sheet"><th scope="row">{s.name.clone()}</th>{cells}<td class="num">{total}</td></tr> }
        })
        .collect::<Vec<_>>();
    let heads = d
        .rubric
        .iter()
        .map(|c| view! { <th scope="col">{format!("{} ({} %)", pick(lang, &c.ru, &c.kk), c.weight)}</th> })
        .collect::<Vec<_>>();
    let means = d
        .panel
        .criteria
        .iter()
        .map(|(_, m)| view! { <td class="num">{m.map(|v| hundredths(lang, v)).unwrap_or_default()}</td> })
        .collect::<Vec<_>>();
    let mean = d
        .panel
        .mean
        .map(|v| hundredths(lang, v))
        .unwrap_or_else(|| "—".into());
    (!d.rubric.is_empty()).then(|| {
        view! {
            <div class="table-scroll" tabindex="0">
                <table data-testid="scores">
                    <thead><tr><th scope="col">{t(lang, Msg::QueueReviewers)}</th>{heads}<th scope="col">{t(lang, Msg::DeskTotal)}</th></tr></thead>
                    <tbody>{sheets}</tbody>
                    <tfoot><tr>
                        <th scope="row">{t(lang, Msg::DeskMean)}</th>
                        {means}
                        <td class="num" data-testid="score-mean">{mean}</td>
                    </tr></tfoot>
                </table>
            </div>
        }
    })
}

/// The private notes, and adding one.
fn notes(
    lang: Lang,
    action: &str,
    d: &Desk,
    err: &dyn Fn(&str) -> Option<String>,
) -> impl IntoView + use<> {
    let notes = d
        .notes
        .iter()
        .map(|n| {
            view! {
                <li data-testid="note">
                    <strong>{n.author.clone()}</strong> " · " <small>{format_date(lang, n.at.date_naive())}</small>
                    <p>{n.body.clone()}</p>
                </li>
            }
        })
        .collect::<Vec<_>>();
    let note_err = err("note");
    view! {
        <section aria-labelledby="desk-notes">
            <h3 id="desk-notes">{t(lang, Msg::DeskNotes)}</h3>
            <p class="hint">{t(lang, Msg::DeskNotesHint)}</p>
            <ul class="notes">{notes}</ul>
            <form method="post" action=action.to_owned() enctype="multipart/form-data" data-testid="note-form">
                <input type="hidden" name="version" value="0" />
                <div class="field" class:field-error=note_err.is_some()>
                    <label for="note">{t(lang, Msg::DeskNote)}</label>
                    {note_err.clone().map(|m| view! { <p class="error-message">{m}</p> })}
                    <textarea id="note" name="note" rows="2">{typed("note")}</textarea>
                </div>
                <div class="actions"><button type="submit" name="action" value="note" class="button button-secondary" data-testid="add-note">{t(lang, Msg::DeskAddNote)}</button></div>
            </form>
        </section>
    }
}
