//! The translation layer: every user-facing string goes through [`t`], [`tf`] or [`tn`].
//!
//! Messages are declared once below, each with its Russian, Kazakh and English text side by side,
//! so a translator sees the three together. Russian is the reference language and is required by
//! the macro; a Kazakh or English text may be `None` while a translation is pending, and then the
//! Russian text is shown (the `every_message_is_translated` test lists what is missing).

use serde::{Deserialize, Serialize};

/// A language the interface is offered in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Russian: the default and the reference language.
    #[default]
    Ru,
    /// Kazakh (Cyrillic script).
    Kk,
    /// English.
    En,
}

impl Lang {
    /// Every language, in the order the switcher shows them.
    pub const ALL: [Lang; 3] = [Lang::Kk, Lang::Ru, Lang::En];

    /// The BCP 47 tag used in `lang` attributes, cookies and URLs.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ru => "ru",
            Lang::Kk => "kk",
            Lang::En => "en",
        }
    }

    /// The language's own name, as the switcher shows it.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::Ru => "Русский",
            Lang::Kk => "Қазақша",
            Lang::En => "English",
        }
    }

    /// Parses a tag such as `kk`, `kk-KZ` or `ru_RU`; unknown tags give `None`.
    pub fn parse(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "ru" => Some(Lang::Ru),
            "kk" | "kz" => Some(Lang::Kk),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// Picks the best offered language from an `Accept-Language` header, honouring q-values.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        header
            .split(',')
            .enumerate()
            .filter_map(|(position, item)| {
                let mut parts = item.split(';');
                let lang = Lang::parse(parts.next()?)?;
                let q = parts
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .unwrap_or(1.0);
                (q > 0.0).then_some((lang, q, position))
            })
            // Highest q wins; on a tie the earlier entry wins, as RFC 9110 intends.
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.2.cmp(&a.2)))
            .map(|(lang, _, _)| lang)
    }
}

macro_rules! messages {
    ($($key:ident { ru: $ru:expr, kk: $kk:expr, en: $en:expr $(,)? })*) => {
        /// A user-facing message. Its texts are declared in `domain::i18n`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Msg { $($key),* }

        impl Msg {
            /// Every message, for completeness checks.
            pub const ALL: &'static [Msg] = &[$(Msg::$key),*];

            fn ru(self) -> &'static str {
                match self { $(Msg::$key => $ru),* }
            }

            fn kk(self) -> Option<&'static str> {
                match self { $(Msg::$key => $kk),* }
            }

            fn en(self) -> Option<&'static str> {
                match self { $(Msg::$key => $en),* }
            }
        }
    };
}

/// The text of `msg` in `lang`, falling back to Russian where a translation is missing.
pub fn t(lang: Lang, msg: Msg) -> &'static str {
    match lang {
        Lang::Ru => msg.ru(),
        Lang::Kk => msg.kk().unwrap_or_else(|| msg.ru()),
        Lang::En => msg.en().unwrap_or_else(|| msg.ru()),
    }
}

/// [`t`] with `{name}` placeholders filled from `args`.
pub fn tf(lang: Lang, msg: Msg, args: &[(&str, &str)]) -> String {
    let mut out = t(lang, msg).to_owned();
    for (name, value) in args {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// A counted message: its text holds plural forms separated by `|` (Russian: one|few|many,
/// English: one|other, Kazakh: a single form, since Kazakh nouns after numerals stay singular)
/// and `{n}` is replaced by the number.
pub fn tn(lang: Lang, msg: Msg, n: u64) -> String {
    let text = t(lang, msg);
    let forms: Vec<&str> = text.split('|').collect();
    let pick = match (lang, forms.len()) {
        (_, 1) => 0,
        (Lang::Ru, 3) | (Lang::Kk, 3) => russian_plural_index(n),
        (_, _) => usize::from(n != 1),
    };
    let form = forms.get(pick).copied().unwrap_or(text);
    form.replace("{n}", &crate::domain::money::group_digits(lang, n as i128))
}

/// Chooses between a Russian and a Kazakh version of a programme text. Programme texts exist in
/// Russian and Kazakh only, so English readers get the Russian one; an empty Kazakh text falls
/// back to Russian too.
pub fn pick<'a>(lang: Lang, ru: &'a str, kk: &'a str) -> &'a str {
    match lang {
        Lang::Kk if !kk.trim().is_empty() => kk,
        _ => ru,
    }
}

/// Months as a heading or a chart axis names them (nominative; Russian dates need the
/// genitive, below).
const MONTHS_RU: [&str; 12] = [
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
];
/// Kazakh month names; dates use the same form.
const MONTHS_KK: [&str; 12] = [
    "қаңтар",
    "ақпан",
    "наурыз",
    "сәуір",
    "мамыр",
    "маусым",
    "шілде",
    "тамыз",
    "қыркүйек",
    "қазан",
    "қараша",
    "желтоқсан",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The name of month `month0` (0 = January) in `lang`, as a heading says it.
pub fn month_name(lang: Lang, month0: usize) -> &'static str {
    let m = month0.min(11);
    match lang {
        Lang::Ru => MONTHS_RU[m],
        Lang::Kk => MONTHS_KK[m],
        Lang::En => MONTHS_EN[m],
    }
}

/// Formats a date the way `lang` writes it: «30 июня 2027 г.», «2027 жылғы 30 маусым»,
/// "30 June 2027".
pub fn format_date(lang: Lang, date: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    const RU: [&str; 12] = [
        "января",
        "февраля",
        "марта",
        "апреля",
        "мая",
        "июня",
        "июля",
        "августа",
        "сентября",
        "октября",
        "ноября",
        "декабря",
    ];
    let m = date.month0() as usize;
    match lang {
        Lang::Ru => format!("{}\u{a0}{}\u{a0}{}\u{a0}г.", date.day(), RU[m], date.year()),
        Lang::Kk => format!(
            "{}\u{a0}жылғы {}\u{a0}{}",
            date.year(),
            date.day(),
            MONTHS_KK[m]
        ),
        Lang::En => format!("{}\u{a0}{}\u{a0}{}", date.day(), MONTHS_EN[m], date.year()),
    }
}

/// Russian plural category: 0 for 1, 21, 31…; 1 for 2–4, 22–24…; 2 otherwise.
fn russian_plural_index(n: u64) -> usize {
    let (last, last_two) = (n % 10, n % 100);
    if last == 1 && last_two != 11 {
        0
    } else if (2..=4).contains(&last) && !(12..=14).contains(&last_two) {
        1
    } else {
        2
    }
}

messages! {
    // Site frame
    SiteName { ru: "Ауыл Бизнес", kk: Some("Ауыл Бизнес"), en: Some("Auyl Business") }
    SiteTagline {
        ru: "Господдержка и микрокредиты для сельского бизнеса",
        kk: Some("Ауыл бизнесіне мемлекеттік қолдау мен шағын несиелер"),
        en: Some("State support and microloans for rural business"),
    }
    SkipToContent { ru: "Перейти к содержанию", kk: Some("Мазмұнға өту"), en: Some("Skip to content") }
    NavPrograms { ru: "Программы", kk: Some("Бағдарламалар"), en: Some("Programmes") }
    NavHome { ru: "Главная", kk: Some("Басты бет"), en: Some("Home") }
    LanguageLabel { ru: "Язык", kk: Some("Тіл"), en: Some("Language") }
    FooterData {
        ru: "Условия программ собраны из открытых источников; перед подачей заявки сверьте их с оператором. Справочник мест: КАТО от 17.10.2022.",
        kk: Some("Бағдарлама шарттары ашық дереккөздерден жиналған; өтінім берер алдында оператормен нақтылаңыз. Елді мекендер анықтамалығы: 17.10.2022 ж. ӘАОЖ (КАТО)."),
        en: Some("Programme terms are collected from public sources; check them with the operator before applying. Locations: KATO of 17 Oct 2022."),
    }

    // Home
    HomeTitle {
        ru: "Найдите поддержку для своего дела в селе",
        kk: Some("Ауылдағы ісіңізге қолдау табыңыз"),
        en: Some("Find support for your village business"),
    }
    HomeLead {
        ru: "Микрокредиты «Ауыл аманаты», субсидии и гарантии «Даму», гранты и обучение — в одном месте, с понятными условиями.",
        kk: Some("«Ауыл аманаты» шағын несиелері, «Даму» субсидиялары мен кепілдіктері, гранттар мен оқыту — бір жерде, түсінікті шарттарымен."),
        en: Some("Auyl Amanaty microcredit, Damu subsidies and guarantees, grants and training — in one place, in plain words."),
    }
    HomeCategories { ru: "Виды поддержки", kk: Some("Қолдау түрлері"), en: Some("Kinds of support") }
    HomeSectors { ru: "По отраслям", kk: Some("Салалар бойынша"), en: Some("By sector") }
    HomeAllPrograms { ru: "Все программы", kk: Some("Барлық бағдарламалар"), en: Some("All programmes") }
    HomeSoonest { ru: "Скоро закрывается приём", kk: Some("Қабылдау жақында жабылады"), en: Some("Closing soon") }

    // Search form
    SearchLabel { ru: "Что вы ищете?", kk: Some("Не іздейсіз?"), en: Some("What are you looking for?") }
    SearchPlaceholder {
        ru: "Например: микрокредит на скот",
        kk: Some("Мысалы: мал шаруашылығына несие"),
        en: Some("For example: microcredit for livestock"),
    }
    SearchButton { ru: "Найти", kk: Some("Іздеу"), en: Some("Search") }
    FiltersHeading { ru: "Фильтры", kk: Some("Сүзгілер"), en: Some("Filters") }
    FilterKind { ru: "Вид поддержки", kk: Some("Қолдау түрі"), en: Some("Kind of support") }
    FilterSector { ru: "Отрасль", kk: Some("Сала"), en: Some("Sector") }
    FilterRegion { ru: "Область", kk: Some("Облыс"), en: Some("Region") }
    FilterSort { ru: "Сортировка", kk: Some("Сұрыптау"), en: Some("Sort by") }
    FilterAnyKind { ru: "Любой вид", kk: Some("Кез келген түр"), en: Some("Any kind") }
    FilterAnySector { ru: "Любая отрасль", kk: Some("Кез келген сала"), en: Some("Any sector") }
    FilterAnyRegion { ru: "Весь Казахстан", kk: Some("Бүкіл Қазақстан"), en: Some("All of Kazakhstan") }
    FilterReset { ru: "Сбросить фильтры", kk: Some("Сүзгілерді тазарту"), en: Some("Clear filters") }
    SortRelevance { ru: "По соответствию", kk: Some("Сәйкестігі бойынша"), en: Some("Best match") }
    SortDeadline { ru: "Срок подачи: ближе", kk: Some("Өтінім мерзімі: жақыны"), en: Some("Deadline: soonest") }
    SortAmount { ru: "Сумма: больше", kk: Some("Сома: көбі"), en: Some("Amount: largest") }
    SortRate { ru: "Ставка: ниже", kk: Some("Мөлшерлеме: төмені"), en: Some("Rate: lowest") }

    // Results
    ResultsCount {
        ru: "Найдена {n} программа|Найдено {n} программы|Найдено {n} программ",
        kk: Some("{n} бағдарлама табылды"),
        en: Some("{n} programme found|{n} programmes found"),
    }
    ResultsNone {
        ru: "Ничего не нашлось. Попробуйте другие слова или сбросьте фильтры.",
        kk: Some("Ештеңе табылмады. Басқа сөздерді қолданып көріңіз немесе сүзгілерді тазартыңыз."),
        en: Some("Nothing found. Try other words or clear the filters."),
    }
    ResultsPageEmpty {
        ru: "На этой странице результатов нет.",
        kk: Some("Бұл бетте нәтиже жоқ."),
        en: Some("There are no results on this page."),
    }
    ResultsFirstPage { ru: "К первой странице", kk: Some("Бірінші бетке"), en: Some("Go to the first page") }
    ResultsSearching { ru: "Ищем…", kk: Some("Іздеп жатырмыз…"), en: Some("Searching…") }
    ResultsUpdated {
        ru: "Результаты обновлены",
        kk: Some("Нәтижелер жаңартылды"),
        en: Some("Results updated"),
    }
    ResultsLiveFailed {
        ru: "Не удалось обновить результаты. Нажмите «Найти».",
        kk: Some("Нәтижелерді жаңарту мүмкін болмады. «Іздеу» батырмасын басыңыз."),
        en: Some("Could not update the results. Press Search."),
    }
    PagePrevious { ru: "← Назад", kk: Some("← Артқа"), en: Some("← Previous") }
    PageNext { ru: "Вперёд →", kk: Some("Алға →"), en: Some("Next →") }
    PageOf { ru: "Страница {page} из {pages}", kk: Some("{pages} беттің {page}-беті"), en: Some("Page {page} of {pages}") }
    PaginationLabel { ru: "Страницы результатов", kk: Some("Нәтиже беттері"), en: Some("Result pages") }
    DegradedNotice {
        ru: "Поиск работает в упрощённом режиме: результаты могут быть неполными.",
        kk: Some("Іздеу жеңілдетілген режимде жұмыс істеп тұр: нәтижелер толық болмауы мүмкін."),
        en: Some("Search is running in a reduced mode: results may be incomplete."),
    }

    // Programme facts
    FactAmountUpTo { ru: "до {amount}", kk: Some("{amount} дейін"), en: Some("up to {amount}") }
    FactAmountRange { ru: "от {min} до {max}", kk: Some("{min} бастап {max} дейін"), en: Some("{min} to {max}") }
    FactAmountNone { ru: "Сумма не указана", kk: Some("Сома көрсетілмеген"), en: Some("No amount stated") }
    FactRate { ru: "{rate} годовых", kk: Some("жылдық {rate}"), en: Some("{rate} a year") }
    FactRateRange { ru: "{min}–{max} годовых", kk: Some("жылдық {min}–{max}"), en: Some("{min}–{max} a year") }
    FactFee { ru: "комиссия {fee}", kk: Some("комиссия {fee}"), en: Some("fee {fee}") }
    FactTerm {
        ru: "до {n} месяца|до {n} месяцев|до {n} месяцев",
        kk: Some("{n} айға дейін"),
        en: Some("up to {n} month|up to {n} months"),
    }
    FactGrace {
        ru: "льготный период до {n} месяца|льготный период до {n} месяцев|льготный период до {n} месяцев",
        kk: Some("жеңілдік кезеңі {n} айға дейін"),
        en: Some("grace period up to {n} month|grace period up to {n} months"),
    }
    CalcTitle { ru: "Калькулятор платежей", kk: Some("Төлем калькуляторы"), en: Some("Payment calculator") }
    CalcLead {
        ru: "Примерный расчёт по условиям программы. Точный график даст оператор при выдаче.",
        kk: Some("Бағдарлама шарттары бойынша шамамен есеп. Нақты кестені оператор береді."),
        en: Some("An estimate on the programme's terms. The operator gives the exact schedule."),
    }
    CalcAmount { ru: "Сумма, ₸", kk: Some("Сома, ₸"), en: Some("Amount, ₸") }
    CalcRate { ru: "Ставка, % годовых", kk: Some("Мөлшерлеме, жылдық %"), en: Some("Rate, % a year") }
    CalcTerm { ru: "Срок, месяцев", kk: Some("Мерзімі, ай"), en: Some("Term, months") }
    CalcGrace { ru: "Льготный период, месяцев", kk: Some("Жеңілдік кезеңі, ай"), en: Some("Grace period, months") }
    CalcGraceKind { ru: "В льготный период", kk: Some("Жеңілдік кезеңінде"), en: Some("During the grace period") }
    CalcGraceInterestOnly { ru: "платятся только проценты", kk: Some("тек сыйақы төленеді"), en: Some("interest only is paid") }
    CalcGraceFull { ru: "не платится ничего (проценты добавляются к долгу)", kk: Some("ештеңе төленбейді (сыйақы қарызға қосылады)"), en: Some("nothing is paid (interest is added to the debt)") }
    CalcMethod { ru: "Способ погашения", kk: Some("Өтеу тәсілі"), en: Some("Repayment") }
    CalcAnnuity { ru: "равными платежами (аннуитет)", kk: Some("тең төлемдермен (аннуитет)"), en: Some("equal payments (annuity)") }
    CalcDifferentiated { ru: "убывающими платежами (дифференцированный)", kk: Some("кемімелі төлемдермен (сараланған)"), en: Some("decreasing payments (differentiated)") }
    CalcButton { ru: "Рассчитать", kk: Some("Есептеу"), en: Some("Calculate") }
    CalcMonthly { ru: "Ежемесячный платёж", kk: Some("Ай сайынғы төлем"), en: Some("Monthly payment") }
    CalcFirstLast { ru: "Первый и последний платёж", kk: Some("Алғашқы және соңғы төлем"), en: Some("First and last payment") }
    CalcGracePayment { ru: "В льготный период", kk: Some("Жеңілдік кезеңінде"), en: Some("During the grace period") }
    CalcTotalInterest { ru: "Переплата (проценты)", kk: Some("Артық төлем (сыйақы)"), en: Some("Interest in total") }
    CalcTotalPaid { ru: "Всего выплатить", kk: Some("Барлығы төлеу"), en: Some("Paid in total") }
    CalcEffective { ru: "Эффективная ставка", kk: Some("Тиімді мөлшерлеме"), en: Some("Effective rate") }
    CalcSchedule { ru: "График по месяцам", kk: Some("Айлар бойынша кесте"), en: Some("Month by month") }
    CalcMonth { ru: "Месяц", kk: Some("Ай"), en: Some("Month") }
    CalcPayment { ru: "Платёж", kk: Some("Төлем"), en: Some("Payment") }
    CalcPrincipal { ru: "Основной долг", kk: Some("Негізгі қарыз"), en: Some("Principal") }
    CalcInterest { ru: "Проценты", kk: Some("Сыйақы"), en: Some("Interest") }
    CalcBalance { ru: "Остаток долга", kk: Some("Қарыз қалдығы"), en: Some("Balance") }
    CalcCsv { ru: "Скачать график (CSV)", kk: Some("Кестені жүктеу (CSV)"), en: Some("Download the schedule (CSV)") }
    CalcRounding {
        ru: "Суммы округлены до тиына (половина — вверх); последний платёж учитывает округления.",
        kk: Some("Сомалар тиынға дейін дөңгелектенген (жартысы — жоғары); соңғы төлем дөңгелектеуді ескереді."),
        en: Some("Amounts are rounded to the tiyn (halves up); the last payment absorbs the rounding."),
    }
    FactDeadline { ru: "приём до {date}", kk: Some("{date} дейін қабылданады"), en: Some("apply by {date}") }
    FactNoDeadline { ru: "приём постоянно", kk: Some("тұрақты қабылдау"), en: Some("open all year") }
    FactIntakeOpens { ru: "приём с {date}", kk: Some("{date} бастап қабылданады"), en: Some("applications from {date}") }
    FactNationwide { ru: "Весь Казахстан", kk: Some("Бүкіл Қазақстан"), en: Some("All of Kazakhstan") }
    FactOperator { ru: "Оператор", kk: Some("Оператор"), en: Some("Operator") }
    FactUncertain { ru: "уточняется", kk: Some("нақтыланады"), en: Some("to be confirmed") }
    FactClosed { ru: "Приём закрыт", kk: Some("Қабылдау жабық"), en: Some("Closed") }
    StatusDraft { ru: "Черновик", kk: Some("Жоба"), en: Some("Draft") }
    StatusOpen { ru: "Идёт приём", kk: Some("Қабылдау жүріп жатыр"), en: Some("Open") }

    // Programme page
    ProgramBack { ru: "← К поиску программ", kk: Some("← Бағдарламаларды іздеуге"), en: Some("← Back to programmes") }
    ProgramConditions { ru: "Условия", kk: Some("Шарттар"), en: Some("Terms") }
    ProgramAmount { ru: "Сумма", kk: Some("Сома"), en: Some("Amount") }
    ProgramRate { ru: "Ставка", kk: Some("Мөлшерлеме"), en: Some("Rate") }
    ProgramFee { ru: "Комиссия", kk: Some("Комиссия"), en: Some("Fee") }
    ProgramTerm { ru: "Срок", kk: Some("Мерзімі"), en: Some("Term") }
    ProgramGrace { ru: "Льготный период", kk: Some("Жеңілдік кезеңі"), en: Some("Grace period") }
    ProgramCollateral { ru: "Залог", kk: Some("Кепіл"), en: Some("Collateral") }
    ProgramWhere { ru: "Где действует", kk: Some("Қай жерде қолданылады"), en: Some("Where it applies") }
    ProgramSectors { ru: "Отрасли", kk: Some("Салалар"), en: Some("Sectors") }
    ProgramAnySector { ru: "Любая отрасль", kk: Some("Кез келген сала"), en: Some("Any sector") }
    ProgramTargetGroups { ru: "Для кого в первую очередь", kk: Some("Кімге басымдық беріледі"), en: Some("Priority groups") }
    ProgramIntake { ru: "Приём заявок", kk: Some("Өтінімдерді қабылдау"), en: Some("Applications") }
    ProgramHowToApply { ru: "Как подать заявку", kk: Some("Өтінімді қалай беруге болады"), en: Some("How to apply") }
    ProgramDocuments { ru: "Документы", kk: Some("Құжаттар"), en: Some("Documents") }
    ProgramCriteria { ru: "Кто может участвовать", kk: Some("Кім қатыса алады"), en: Some("Who can take part") }
    ProgramNoCriteria {
        ru: "Особых требований к заявителю не указано.",
        kk: Some("Өтініш берушіге ерекше талаптар көрсетілмеген."),
        en: Some("No special requirements for applicants are stated."),
    }
    ProgramSource { ru: "Источник", kk: Some("Дереккөз"), en: Some("Source") }
    ProgramUncertainHeading { ru: "Что уточняется", kk: Some("Не нақтыланады"), en: Some("Still to be confirmed") }
    ProgramDemoVariant {
        ru: "Это демонстрационный региональный вариант, составленный по образцу реальной программы «{title}». Условия иллюстративные.",
        kk: Some("Бұл «{title}» нақты бағдарламасы үлгісінде жасалған демонстрациялық өңірлік нұсқа. Шарттары мысал ретінде берілген."),
        en: Some("This is an illustrative regional variant modelled on the real programme “{title}”. Its terms are examples."),
    }
    ProgramMciNote {
        ru: "{mci} МРП × {rate} (МРП {year} года) = {amount}",
        kk: Some("{mci} АЕК × {rate} ({year} жылғы АЕК) = {amount}"),
        en: Some("{mci} MCI × {rate} (MCI of {year}) = {amount}"),
    }
    ProgramMciEstimated {
        ru: "Значение МРП на {year} год ещё не внесено; показано по МРП {used} года.",
        kk: Some("{year} жылға арналған АЕК мәні әлі енгізілмеген; {used} жылғы АЕК бойынша көрсетілген."),
        en: Some("The MCI for {year} is not yet recorded; amounts use the MCI of {used}."),
    }
    ProgramClosedNotice {
        ru: "Приём заявок по этой программе закрыт. Страница сохранена для справки.",
        kk: Some("Бұл бағдарлама бойынша өтінім қабылдау жабылды. Бет анықтама үшін сақталған."),
        en: Some("This programme is closed to applications. The page is kept for reference."),
    }

    // Errors
    ErrorNotFoundTitle { ru: "Страница не найдена", kk: Some("Бет табылмады"), en: Some("Page not found") }
    ErrorNotFoundText {
        ru: "Такой страницы нет. Возможно, программа снята с публикации.",
        kk: Some("Мұндай бет жоқ. Бағдарлама жариялаудан алынған болуы мүмкін."),
        en: Some("There is no such page. The programme may have been withdrawn."),
    }
    ErrorApiNotFound {
        ru: "Не найдено: такого адреса нет, или у вас нет к нему доступа.",
        kk: Some("Табылмады: мұндай мекенжай жоқ немесе сізге оған рұқсат жоқ."),
        en: Some("Not found: there is no such address, or you have no access to it."),
    }
    ErrorProgramNotFound {
        ru: "Программа не найдена.",
        kk: Some("Бағдарлама табылмады."),
        en: Some("Programme not found."),
    }
    ErrorInternal {
        ru: "У нас что-то пошло не так. Попробуйте ещё раз через минуту.",
        kk: Some("Бізде бірдеңе дұрыс болмады. Бір минуттан кейін қайталап көріңіз."),
        en: Some("Something went wrong on our side. Please try again in a minute."),
    }
    ErrorUnavailable {
        ru: "Поиск временно недоступен, попробуйте чуть позже.",
        kk: Some("Іздеу уақытша қолжетімсіз, сәл кейінірек көріңіз."),
        en: Some("Search is unavailable right now, please try again shortly."),
    }
    ErrorTransport {
        ru: "Нет связи с сервером. Проверьте интернет.",
        kk: Some("Сервермен байланыс жоқ. Интернетті тексеріңіз."),
        en: Some("Could not reach the server. Check your connection."),
    }
    ErrorQueryTooLong {
        ru: "Слишком длинно: не более {max} символов.",
        kk: Some("Тым ұзын: {max} таңбадан аспауы керек."),
        en: Some("Too long: at most {max} characters."),
    }
    ErrorUnknownKind {
        ru: "Неизвестный вид поддержки «{value}».",
        kk: Some("Белгісіз қолдау түрі: «{value}»."),
        en: Some("Unknown kind of support “{value}”."),
    }
    ErrorUnknownSector {
        ru: "Неизвестная отрасль «{value}».",
        kk: Some("Белгісіз сала: «{value}»."),
        en: Some("Unknown sector “{value}”."),
    }
    ErrorUnknownSort {
        ru: "Неизвестный порядок сортировки «{value}».",
        kk: Some("Белгісіз сұрыптау тәртібі: «{value}»."),
        en: Some("Unknown sort order “{value}”."),
    }
    ErrorRegionFormat {
        ru: "Код области должен состоять из 9 цифр КАТО, например 610000000.",
        kk: Some("Облыс коды ӘАОЖ бойынша 9 цифрдан тұруы керек, мысалы 610000000."),
        en: Some("A region code is 9 KATO digits, for example 610000000."),
    }
    ErrorRegionUnknown {
        ru: "Области с кодом {value} нет в справочнике КАТО.",
        kk: Some("ӘАОЖ анықтамалығында {value} кодты облыс жоқ."),
        en: Some("There is no region with code {value} in KATO."),
    }
    ErrorPageRange {
        ru: "Номер страницы должен быть от 1 до {max}.",
        kk: Some("Бет нөмірі 1-ден {max}-ге дейін болуы керек."),
        en: Some("The page number must be between 1 and {max}."),
    }
    ErrorPerPageRange {
        ru: "На странице можно показать от 1 до {max} программ.",
        kk: Some("Бетте 1-ден {max}-ге дейін бағдарлама көрсетуге болады."),
        en: Some("Between 1 and {max} programmes can be shown per page."),
    }
    ErrorNotANumber {
        ru: "Здесь нужно целое число.",
        kk: Some("Мұнда бүтін сан керек."),
        en: Some("This must be a whole number."),
    }
    ErrorEncoding {
        ru: "Параметр «{field}» содержит недопустимые символы (ожидается UTF-8).",
        kk: Some("«{field}» параметрінде жарамсыз таңбалар бар (UTF-8 күтіледі)."),
        en: Some("The parameter “{field}” has invalid characters (UTF-8 expected)."),
    }
    ErrorInvalidSlug {
        ru: "Адрес программы может содержать только латинские буквы, цифры и дефисы.",
        kk: Some("Бағдарлама мекенжайында тек латын әріптері, цифрлар және сызықшалар болуы мүмкін."),
        en: Some("A programme address may only contain Latin letters, digits and hyphens."),
    }
    ErrorNotAccepted {
        ru: "Поле «{field}» не может иметь такое значение.",
        kk: Some("«{field}» өрісі мұндай мән қабылдай алмайды."),
        en: Some("The field “{field}” cannot take this value."),
    }
    ErrorFileType {
        ru: "Можно приложить только PDF, JPEG или PNG; этот файл другого типа (проверяется содержимое, а не имя).",
        kk: Some("Тек PDF, JPEG немесе PNG тіркеуге болады; бұл файл басқа түрде (аты емес, мазмұны тексеріледі)."),
        en: Some("Only PDF, JPEG or PNG can be attached; this file is of another type (its content is checked, not its name)."),
    }
    ErrorFileTooLarge {
        ru: "Файл больше {max} МБ. Уменьшите его (например, сканируйте в меньшем разрешении) и приложите снова.",
        kk: Some("Файл {max} МБ-тан үлкен. Оны кішірейтіп (мысалы, төменірек ажыратымдылықпен сканерлеп), қайта тіркеңіз."),
        en: Some("The file is larger than {max} MB. Make it smaller (for example, scan at a lower resolution) and attach it again."),
    }
    ErrorConflict {
        ru: "Заявка изменилась, пока вы с ней работали (сейчас версия {version}). Обновите страницу и повторите.",
        kk: Some("Сіз жұмыс істеп жатқанда өтінім өзгерді (қазір {version}-нұсқа). Бетті жаңартып, қайталаңыз."),
        en: Some("The application changed while you were working on it (now version {version}). Reload the page and try again."),
    }
    ErrorNotNow {
        ru: "Сейчас это сделать нельзя: заявка в статусе «{state}».",
        kk: Some("Мұны қазір жасауға болмайды: өтінім «{state}» күйінде."),
        en: Some("This cannot be done now: the application is “{state}”."),
    }
    ErrorProgramClosed {
        ru: "Программа сейчас не принимает заявки.",
        kk: Some("Бағдарлама қазір өтінім қабылдамайды."),
        en: Some("The programme is not taking applications now."),
    }
    ErrorTaken {
        ru: "Значение поля «{field}» уже занято.",
        kk: Some("«{field}» өрісінің мәні бос емес."),
        en: Some("The value of “{field}” is already taken."),
    }
    ErrorUnknownReference {
        ru: "«{value}» не найдено в справочнике.",
        kk: Some("«{value}» анықтамалықта табылмады."),
        en: Some("“{value}” is not in the directory."),
    }
    ErrorBadLogin {
        ru: "Введите номер мобильного телефона Казахстана (+7 7xx…) или e-mail.",
        kk: Some("Қазақстандық ұялы телефон нөмірін (+7 7xx…) немесе e-mail енгізіңіз."),
        en: Some("Enter a Kazakh mobile number (+7 7xx…) or an e-mail address."),
    }
    ErrorPasswordTooShort {
        ru: "Пароль должен быть не короче {min} символов.",
        kk: Some("Құпиясөз кемінде {min} таңбадан тұруы керек."),
        en: Some("The password must be at least {min} characters long."),
    }
    ErrorPasswordWeak {
        ru: "Слишком простой пароль: не используйте номер телефона или один повторяющийся символ.",
        kk: Some("Құпиясөз тым қарапайым: телефон нөмірін немесе бір таңбаның қайталануын қолданбаңыз."),
        en: Some("This password is too easy to guess: do not use your phone number or one repeated character."),
    }
    ErrorIdFormat { ru: "Нужно 12 цифр.", kk: Some("12 цифр қажет."), en: Some("This must be 12 digits.") }
    ErrorIdChecksum {
        ru: "В номере ошибка: не сходится контрольная цифра. Проверьте цифры.",
        kk: Some("Нөмірде қате бар: бақылау цифры сәйкес емес. Цифрларды тексеріңіз."),
        en: Some("There is a mistake in the number: its check digit does not match. Check the digits."),
    }
    ErrorIdDate {
        ru: "Начало номера не похоже на дату. Проверьте цифры.",
        kk: Some("Нөмірдің басы күнге ұқсамайды. Цифрларды тексеріңіз."),
        en: Some("The start of the number is not a valid date. Check the digits."),
    }
    ErrorNotAPercent { ru: "Введите ставку числом, например 2,5.", kk: Some("Мөлшерлемені санмен енгізіңіз, мысалы 2,5."), en: Some("Enter the rate as a number, e.g. 2.5.") }
    ErrorMustBePositive { ru: "Введите сумму больше нуля.", kk: Some("Нөлден үлкен соманы енгізіңіз."), en: Some("Enter an amount above zero.") }
    ErrorAmountAboveCap { ru: "Программа даёт не больше {max}.", kk: Some("Бағдарлама {max} астам бермейді."), en: Some("The programme lends at most {max}.") }
    ErrorAmountBelowMin { ru: "Программа даёт не меньше {min}.", kk: Some("Бағдарлама кемінде {min} береді."), en: Some("The programme lends at least {min}.") }
    ErrorNotADate { ru: "Введите дату в виде ГГГГ-ММ-ДД (месяц — ГГГГ-ММ), не позже сегодняшнего дня.", kk: Some("Күнді ЖЖЖЖ-АА-КК түрінде енгізіңіз (ай — ЖЖЖЖ-АА), бүгінгі күннен кешіктірмей."), en: Some("Enter a date as YYYY-MM-DD (a month as YYYY-MM), not later than today.") }
    ErrorIdTaken { ru: "Этот ИИН уже указан в профиле другого пользователя. Если это ваш ИИН, обратитесь в поддержку.", kk: Some("Бұл ЖСН басқа пайдаланушының профилінде көрсетілген. Егер бұл сіздің ЖСН болса, қолдау қызметіне жүгініңіз."), en: Some("This IIN is already in another person's profile. If it is yours, contact support.") }
    ErrorBadPhone { ru: "Введите казахстанский мобильный номер, например +7 701 234 56 78.", kk: Some("Қазақстандық ұялы нөмірді енгізіңіз, мысалы +7 701 234 56 78."), en: Some("Enter a Kazakh mobile number, e.g. +7 701 234 56 78.") }
    ErrorUnknownChoice { ru: "Выберите значение из списка («{value}» в нём нет).", kk: Some("Тізімнен мән таңдаңыз («{value}» онда жоқ)."), en: Some("Choose a value from the list (“{value}” is not in it).") }
    ErrorOkedUnknown { ru: "Введите раздел ОКЭД из двух цифр, например 01 — растениеводство и животноводство.", kk: Some("ЭҚЖЖ-ның екі цифрлы бөлімін енгізіңіз, мысалы 01 — өсімдік және мал шаруашылығы."), en: Some("Enter a two-digit OKED division, e.g. 01 for crop and animal production.") }
    ErrorOutOfRange { ru: "Введите число от {min} до {max}.", kk: Some("{min} мен {max} аралығындағы санды енгізіңіз."), en: Some("Enter a number from {min} to {max}.") }
    ErrorRequired { ru: "Заполните это поле.", kk: Some("Бұл өрісті толтырыңыз."), en: Some("Please fill in this field.") }
    ErrorWrongCredentials {
        ru: "Неверный телефон, e-mail или пароль.",
        kk: Some("Телефон, e-mail немесе құпиясөз қате."),
        en: Some("Wrong phone, e-mail or password."),
    }
    ErrorTooManyAttempts {
        ru: "Слишком много попыток. Попробуйте снова через {minutes} мин.",
        kk: Some("Әрекет тым көп. {minutes} минуттан кейін қайталап көріңіз."),
        en: Some("Too many attempts. Try again in {minutes} min."),
    }
    ErrorLinkInvalid {
        ru: "Ссылка недействительна или устарела. Запросите новую.",
        kk: Some("Сілтеме жарамсыз немесе ескірген. Жаңасын сұратыңыз."),
        en: Some("This link is invalid or has expired. Ask for a new one."),
    }
    ErrorAccountExists {
        ru: "Этот телефон или e-mail уже зарегистрирован. Войдите или восстановите пароль.",
        kk: Some("Бұл телефон немесе e-mail тіркелген. Кіріңіз немесе құпиясөзді қалпына келтіріңіз."),
        en: Some("This phone or e-mail is already registered. Sign in or reset your password."),
    }
    ErrorSignInRequired { ru: "Войдите, чтобы продолжить.", kk: Some("Жалғастыру үшін кіріңіз."), en: Some("Please sign in to continue.") }
    ErrorForbidden {
        ru: "У вас нет доступа к этому действию.",
        kk: Some("Бұл әрекетке рұқсатыңыз жоқ."),
        en: Some("You are not allowed to do this."),
    }
    ErrorCrossSite {
        ru: "Запрос отклонён: форма отправлена с другого сайта.",
        kk: Some("Сұрау қабылданбады: форма басқа сайттан жіберілген."),
        en: Some("Request refused: the form was sent from another site."),
    }
    ErrorFieldLabel { ru: "Ошибка в поле «{field}»", kk: Some("«{field}» өрісінде қате"), en: Some("Error in “{field}”") }

    // Accounts
    RoleEntrepreneur { ru: "Предприниматель", kk: Some("Кәсіпкер"), en: Some("Entrepreneur") }
    RoleAkim { ru: "Аким сельского округа", kk: Some("Ауылдық округ әкімі"), en: Some("Akim of a rural okrug") }
    RoleAkimatStaff { ru: "Сотрудник акимата", kk: Some("Әкімдік қызметкері"), en: Some("Akimat staff") }
    RoleOperator { ru: "Сотрудник оператора", kk: Some("Оператор қызметкері"), en: Some("Operator staff") }
    RoleOrgAdmin { ru: "Администратор организации", kk: Some("Ұйым әкімшісі"), en: Some("Organisation admin") }
    RoleAdmin { ru: "Администратор платформы", kk: Some("Платформа әкімшісі"), en: Some("Platform admin") }
    NavSignIn { ru: "Войти", kk: Some("Кіру"), en: Some("Sign in") }
    NavAccount { ru: "Кабинет", kk: Some("Жеке кабинет"), en: Some("Account") }
    SignInTitle { ru: "Вход", kk: Some("Кіру"), en: Some("Sign in") }
    SignUpTitle { ru: "Регистрация", kk: Some("Тіркелу"), en: Some("Create an account") }
    SignUpLead {
        ru: "Аккаунт нужен, чтобы подавать заявки и следить за ними. Искать программы можно и без него.",
        kk: Some("Өтінім беру және оны бақылау үшін аккаунт керек. Бағдарламаларды онсыз да іздеуге болады."),
        en: Some("An account lets you apply and follow your applications. You can search programmes without one."),
    }
    LoginLabel { ru: "Телефон или e-mail", kk: Some("Телефон немесе e-mail"), en: Some("Phone or e-mail") }
    LoginHint { ru: "Например: +7 701 234 56 78", kk: Some("Мысалы: +7 701 234 56 78"), en: Some("For example: +7 701 234 56 78") }
    PasswordLabel { ru: "Пароль", kk: Some("Құпиясөз"), en: Some("Password") }
    PasswordHint {
        ru: "Не короче 10 символов. Подойдёт фраза из нескольких слов.",
        kk: Some("Кемінде 10 таңба. Бірнеше сөзден тұратын тіркес те жарайды."),
        en: Some("At least 10 characters. A phrase of several words works well."),
    }
    CurrentPasswordLabel { ru: "Текущий пароль", kk: Some("Қазіргі құпиясөз"), en: Some("Current password") }
    NewPasswordLabel { ru: "Новый пароль", kk: Some("Жаңа құпиясөз"), en: Some("New password") }
    NameLabel { ru: "Как к вам обращаться", kk: Some("Сізге қалай жүгінейік"), en: Some("Your name") }
    SignInButton { ru: "Войти", kk: Some("Кіру"), en: Some("Sign in") }
    SignUpButton { ru: "Зарегистрироваться", kk: Some("Тіркелу"), en: Some("Create account") }
    SignOutButton { ru: "Выйти", kk: Some("Шығу"), en: Some("Sign out") }
    NoAccountYet { ru: "Нет аккаунта? Зарегистрируйтесь", kk: Some("Аккаунтыңыз жоқ па? Тіркеліңіз"), en: Some("No account yet? Create one") }
    HaveAccount { ru: "Уже есть аккаунт? Войдите", kk: Some("Аккаунтыңыз бар ма? Кіріңіз"), en: Some("Already have an account? Sign in") }
    ForgotPassword { ru: "Забыли пароль?", kk: Some("Құпиясөзді ұмыттыңыз ба?"), en: Some("Forgot your password?") }
    ResetTitle { ru: "Восстановление пароля", kk: Some("Құпиясөзді қалпына келтіру"), en: Some("Reset your password") }
    ResetLead {
        ru: "Укажите телефон или e-mail аккаунта: мы пришлём ссылку для смены пароля.",
        kk: Some("Аккаунттың телефонын немесе e-mail-ін көрсетіңіз: құпиясөзді ауыстыруға сілтеме жібереміз."),
        en: Some("Enter your account's phone or e-mail and we will send a link to set a new password."),
    }
    ResetRequestButton { ru: "Получить ссылку", kk: Some("Сілтеме алу"), en: Some("Send the link") }
    ResetSent {
        ru: "Если такой аккаунт есть, ссылка для смены пароля отправлена. Она действует 1 час.",
        kk: Some("Мұндай аккаунт болса, құпиясөзді ауыстыру сілтемесі жіберілді. Ол 1 сағат жарамды."),
        en: Some("If such an account exists, a link to set a new password has been sent. It works for 1 hour."),
    }
    ResetSetButton { ru: "Сохранить новый пароль", kk: Some("Жаңа құпиясөзді сақтау"), en: Some("Save the new password") }
    PasswordChanged { ru: "Пароль изменён.", kk: Some("Құпиясөз өзгертілді."), en: Some("Your password has been changed.") }
    AccountTitle { ru: "Личный кабинет", kk: Some("Жеке кабинет"), en: Some("Your account") }
    SignedInAs { ru: "Вы вошли как {name}", kk: Some("Сіз {name} ретінде кірдіңіз"), en: Some("Signed in as {name}") }
    RoleLabel { ru: "Роль", kk: Some("Рөл"), en: Some("Role") }
    ScopeOkrug { ru: "Округ", kk: Some("Округ"), en: Some("Okrug") }
    ScopeOrganisation { ru: "Организация", kk: Some("Ұйым"), en: Some("Organisation") }
    ChangePasswordTitle { ru: "Смена пароля", kk: Some("Құпиясөзді ауыстыру"), en: Some("Change password") }
    ChangePasswordButton { ru: "Сменить пароль", kk: Some("Құпиясөзді ауыстыру"), en: Some("Change password") }
    InvitationsTitle { ru: "Приглашения", kk: Some("Шақырулар"), en: Some("Invitations") }
    InvitationsLead {
        ru: "Акимы, сотрудники акиматов и операторов получают доступ только по приглашению.",
        kk: Some("Әкімдер, әкімдік пен оператор қызметкерлері тек шақыру арқылы кіре алады."),
        en: Some("Akims, akimat staff and operators get access by invitation only."),
    }
    InviteNoteLabel { ru: "Для кого (заметка для вас)", kk: Some("Кімге (өзіңізге арналған белгі)"), en: Some("For whom (a note for you)") }
    InviteOkrugLabel { ru: "Код сельского округа (КАТО, 9 цифр)", kk: Some("Ауылдық округ коды (ӘАОЖ, 9 цифр)"), en: Some("Rural okrug code (KATO, 9 digits)") }
    InviteOrganisationLabel { ru: "Организация", kk: Some("Ұйым"), en: Some("Organisation") }
    InviteButton { ru: "Создать приглашение", kk: Some("Шақыру жасау"), en: Some("Create the invitation") }
    InviteCreated {
        ru: "Приглашение создано. Отправьте эту ссылку приглашённому — она действует 7 дней и показывается один раз:",
        kk: Some("Шақыру жасалды. Бұл сілтемені шақырылған адамға жіберіңіз — ол 7 күн жарамды және бір рет көрсетіледі:"),
        en: Some("Invitation created. Send this link to the person — it works for 7 days and is shown only once:"),
    }
    InviteTitle { ru: "Приглашение", kk: Some("Шақыру"), en: Some("Invitation") }
    InviteFor { ru: "Вас приглашают в роли «{role}».", kk: Some("Сізді «{role}» рөліне шақырады."), en: Some("You are invited as “{role}”.") }
    InviteAcceptButton { ru: "Принять и создать аккаунт", kk: Some("Қабылдау және аккаунт ашу"), en: Some("Accept and create the account") }
    ColumnName { ru: "Имя", kk: Some("Аты"), en: Some("Name") }
    NoInvitations { ru: "Приглашений пока нет.", kk: Some("Әзірге шақыру жоқ."), en: Some("No invitations yet.") }
    ColumnScope { ru: "Округ или организация", kk: Some("Округ немесе ұйым"), en: Some("Okrug or organisation") }
    ColumnNote { ru: "Заметка", kk: Some("Белгі"), en: Some("Note") }
    ColumnCreated { ru: "Создано", kk: Some("Жасалды"), en: Some("Created") }
    ColumnStatus { ru: "Статус", kk: Some("Мәртебе"), en: Some("Status") }
    ColumnAction { ru: "Действие", kk: Some("Әрекет"), en: Some("Action") }
    InvitePending { ru: "Ожидает", kk: Some("Күтуде"), en: Some("Pending") }
    InviteAccepted { ru: "Принято", kk: Some("Қабылданды"), en: Some("Accepted") }
    InviteExpired { ru: "Истекло", kk: Some("Мерзімі өтті"), en: Some("Expired") }
    InviteRevoked { ru: "Отозвано", kk: Some("Кері қайтарылды"), en: Some("Revoked") }
    RevokeButton { ru: "Отозвать", kk: Some("Кері қайтару"), en: Some("Revoke") }
    StaffTitle { ru: "Сотрудники", kk: Some("Қызметкерлер"), en: Some("Staff") }
    RemoveButton { ru: "Отключить доступ", kk: Some("Қолжетімділікті өшіру"), en: Some("Remove access") }

    // Kinds of support
    KindMicrocredit { ru: "Микрокредит", kk: Some("Шағын несие"), en: Some("Microcredit") }
    KindLoan { ru: "Кредит", kk: Some("Несие"), en: Some("Loan") }
    KindRateSubsidy { ru: "Субсидия ставки", kk: Some("Мөлшерлемені субсидиялау"), en: Some("Rate subsidy") }
    KindGuarantee { ru: "Гарантия", kk: Some("Кепілдік"), en: Some("Guarantee") }
    KindLeasing { ru: "Лизинг", kk: Some("Лизинг"), en: Some("Leasing") }
    KindGrant { ru: "Грант", kk: Some("Грант"), en: Some("Grant") }
    KindTraining { ru: "Обучение", kk: Some("Оқыту"), en: Some("Training") }

    // Sectors
    SectorCrop { ru: "Растениеводство", kk: Some("Өсімдік шаруашылығы"), en: Some("Crop farming") }
    SectorLivestock { ru: "Животноводство", kk: Some("Мал шаруашылығы"), en: Some("Livestock") }
    SectorAgriProcessing { ru: "Переработка сельхозпродукции", kk: Some("Ауыл шаруашылығы өнімдерін өңдеу"), en: Some("Agri-food processing") }
    SectorFishery { ru: "Рыбоводство", kk: Some("Балық шаруашылығы"), en: Some("Fish farming") }
    SectorBeekeeping { ru: "Пчеловодство", kk: Some("Ара шаруашылығы"), en: Some("Beekeeping") }
    SectorManufacturing { ru: "Производство", kk: Some("Өндіріс"), en: Some("Manufacturing") }
    SectorCrafts { ru: "Ремёсла", kk: Some("Қолөнер"), en: Some("Crafts") }
    SectorTrade { ru: "Торговля", kk: Some("Сауда"), en: Some("Trade") }
    SectorTourism { ru: "Туризм", kk: Some("Туризм"), en: Some("Tourism") }
    SectorServices { ru: "Услуги", kk: Some("Қызмет көрсету"), en: Some("Services") }
    SectorTransport { ru: "Транспорт", kk: Some("Көлік"), en: Some("Transport") }
    SectorConstruction { ru: "Строительство", kk: Some("Құрылыс"), en: Some("Construction") }

    // Target groups
    GroupYouth { ru: "Молодёжь до 29 лет", kk: Some("29 жасқа дейінгі жастар"), en: Some("Young people up to 29") }
    GroupWomen { ru: "Женщины", kk: Some("Әйелдер"), en: Some("Women") }
    GroupDisabled { ru: "Люди с инвалидностью", kk: Some("Мүгедектігі бар адамдар"), en: Some("People with disabilities") }
    GroupLargeFamilies { ru: "Многодетные семьи", kk: Some("Көпбалалы отбасылар"), en: Some("Large families") }
    GroupKandas { ru: "Кандасы", kk: Some("Қандастар"), en: Some("Kandas (ethnic Kazakh returnees)") }
    GroupSocialAssistance { ru: "Получатели адресной социальной помощи", kk: Some("Атаулы әлеуметтік көмек алушылар"), en: Some("Recipients of targeted social assistance") }
    GroupLaidOff { ru: "Высвобожденные работники", kk: Some("Жұмыстан босатылған қызметкерлер"), en: Some("Laid-off workers") }

    // Collateral
    CollateralRequired { ru: "Нужен залог", kk: Some("Кепіл қажет"), en: Some("Collateral required") }
    CollateralNotRequired { ru: "Залог не нужен", kk: Some("Кепіл қажет емес"), en: Some("No collateral needed") }
    CollateralPartial { ru: "Частичный залог", kk: Some("Ішінара кепіл"), en: Some("Partial collateral") }
    CollateralGuaranteeAccepted {
        ru: "Залог или гарантия фонда",
        kk: Some("Кепіл немесе қор кепілдігі"),
        en: Some("Collateral or a fund guarantee"),
    }

    // Criteria, in words
    CritAge { ru: "Возраст: {range}", kk: Some("Жасы: {range}"), en: Some("Age: {range}") }
    CritAgeRange { ru: "от {min} до {max} лет", kk: Some("{min} жастан {max} жасқа дейін"), en: Some("{min} to {max} years") }
    CritAgeMin { ru: "от {min} лет", kk: Some("{min} жастан бастап"), en: Some("{min} years or older") }
    CritAgeMax { ru: "до {max} лет", kk: Some("{max} жасқа дейін"), en: Some("up to {max} years") }
    CritLocation { ru: "Бизнес находится в: {places}", kk: Some("Бизнес орналасқан жер: {places}"), en: Some("The business is in: {places}") }
    CritSectorIn { ru: "Отрасль: {sectors}", kk: Some("Сала: {sectors}"), en: Some("Sector: {sectors}") }
    CritExcludedSectors { ru: "Не подходит для: {sectors}", kk: Some("Мыналарға жарамайды: {sectors}"), en: Some("Not for: {sectors}") }
    CritStageIn { ru: "Стадия бизнеса: {stages}", kk: Some("Бизнес кезеңі: {stages}"), en: Some("Business stage: {stages}") }
    CritLegalFormIn { ru: "Форма бизнеса: {forms}", kk: Some("Бизнес нысаны: {forms}"), en: Some("Business form: {forms}") }
    CritTargetGroupAny { ru: "Относитесь к одной из групп: {groups}", kk: Some("Мына топтардың біріне жатасыз: {groups}"), en: Some("You belong to one of: {groups}") }
    CritAmountWithin { ru: "Запрашиваемая сумма: {range}", kk: Some("Сұралатын сома: {range}"), en: Some("Amount requested: {range}") }
    CritCollateral { ru: "Есть залоговое имущество", kk: Some("Кепілге қоятын мүлік бар"), en: Some("You have collateral to pledge") }
    CritCertificate { ru: "Есть сертификат: {name}", kk: Some("Сертификат бар: {name}"), en: Some("You hold the certificate: {name}") }
    CritBusinessAge { ru: "Возраст бизнеса: {range}", kk: Some("Бизнестің жасы: {range}"), en: Some("Business age: {range}") }
    CritMonthsRange { ru: "от {min} до {max} мес.", kk: Some("{min}–{max} ай"), en: Some("{min} to {max} months") }
    CritMonthsMin { ru: "от {min} мес.", kk: Some("{min} айдан бастап"), en: Some("{min} months or more") }
    CritMonthsMax { ru: "до {max} мес.", kk: Some("{max} айға дейін"), en: Some("up to {max} months") }
    CritEmployees { ru: "Работников: {range}", kk: Some("Қызметкерлер саны: {range}"), en: Some("Employees: {range}") }
    CritCountRange { ru: "от {min} до {max}", kk: Some("{min}-ден {max}-ге дейін"), en: Some("{min} to {max}") }
    CritCountMin { ru: "не меньше {min}", kk: Some("кемінде {min}"), en: Some("at least {min}") }
    CritCountMax { ru: "не больше {max}", kk: Some("{max}-ден аспайды"), en: Some("at most {max}") }
    CritTaxRegistered { ru: "Зарегистрированы в налоговом органе", kk: Some("Салық органында тіркелгенсіз"), en: Some("Registered with the tax authority") }

    // Business stages and legal forms (criteria values)
    StageIdea { ru: "идея", kk: Some("идея"), en: Some("idea") }
    StageUnder1y { ru: "меньше года", kk: Some("бір жылдан аз"), en: Some("under a year") }
    StageY1To3 { ru: "1–3 года", kk: Some("1–3 жыл"), en: Some("1–3 years") }
    StageOver3y { ru: "больше 3 лет", kk: Some("3 жылдан астам"), en: Some("over 3 years") }
    FormNone { ru: "ещё не зарегистрирован", kk: Some("әлі тіркелмеген"), en: Some("not registered yet") }
    FormIe { ru: "ИП", kk: Some("ЖК"), en: Some("individual entrepreneur") }
    FormFarm { ru: "КХ/ФХ", kk: Some("ШҚ/ФҚ"), en: Some("peasant or farm enterprise") }
    FormLlp { ru: "ТОО", kk: Some("ЖШС"), en: Some("LLP") }
    FormCoop { ru: "сельхозкооператив", kk: Some("ауыл шаруашылығы кооперативі"), en: Some("agricultural co-operative") }
    CertBastauBusiness { ru: "«Бастау Бизнес»", kk: Some("«Бастау Бизнес»"), en: Some("Bastau Business") }

    // Organisation kinds
    OrgStateLender { ru: "Государственный кредитор", kk: Some("Мемлекеттік несие беруші"), en: Some("State lender") }
    OrgFund { ru: "Фонд", kk: Some("Қор"), en: Some("Fund") }
    OrgSpk { ru: "Социально-предпринимательская корпорация", kk: Some("Әлеуметтік-кәсіпкерлік корпорация"), en: Some("Social-entrepreneurial corporation") }
    OrgMfo { ru: "Микрофинансовая организация", kk: Some("Микроқаржы ұйымы"), en: Some("Microfinance organisation") }
    OrgBank { ru: "Банк", kk: Some("Банк"), en: Some("Bank") }
    OrgGrantCommission { ru: "Грантовая комиссия", kk: Some("Гранттық комиссия"), en: Some("Grant commission") }
    OrgChamber { ru: "Палата предпринимателей", kk: Some("Кәсіпкерлер палатасы"), en: Some("Chamber of entrepreneurs") }

    // Profile and matches
    NavMatches { ru: "Мне подходит", kk: Some("Маған сәйкес"), en: Some("My matches") }
    ProfileTitle { ru: "Мой профиль", kk: Some("Менің профилім"), en: Some("My profile") }
    ProfileLead { ru: "Заполните то, что знаете: все поля необязательны. Чем больше сведений, тем точнее подбор программ.", kk: Some("Білетініңізді толтырыңыз: барлық өріс міндетті емес. Мәлімет көп болған сайын бағдарламалар дәлірек іріктеледі."), en: Some("Fill in what you know: every field is optional. The more you give, the more precise the matching.") }
    ProfilePerson { ru: "О вас", kk: Some("Сіз туралы"), en: Some("About you") }
    ProfileBusiness { ru: "О бизнесе", kk: Some("Бизнес туралы"), en: Some("Your business") }
    ProfilePlace { ru: "Где ваш бизнес", kk: Some("Бизнесіңіз қай жерде"), en: Some("Where your business is") }
    FieldFullName { ru: "ФИО", kk: Some("Аты-жөні"), en: Some("Full name") }
    FieldIin { ru: "ИИН", kk: Some("ЖСН"), en: Some("IIN") }
    HintIin { ru: "12 цифр. По ИИН определяются дата рождения и возраст.", kk: Some("12 цифр. ЖСН бойынша туған күн мен жас анықталады."), en: Some("12 digits. Your birth date and age follow from it.") }
    FieldBirthDate { ru: "Дата рождения (если нет ИИН)", kk: Some("Туған күні (ЖСН болмаса)"), en: Some("Birth date (if you have no IIN)") }
    FieldPhone { ru: "Мобильный телефон", kk: Some("Ұялы телефон"), en: Some("Mobile phone") }
    FieldGroups { ru: "Вы относитесь к группам", kk: Some("Сіз мына топтарға жатасыз"), en: Some("You belong to") }
    HintGroups { ru: "Отметьте все подходящие. Молодёжь (до 29 лет) и женщины определяются по ИИН.", kk: Some("Сәйкес келетіннің бәрін белгілеңіз. Жастар (29 жасқа дейін) мен әйелдер ЖСН бойынша анықталады."), en: Some("Tick all that apply. Youth (up to 29) and women follow from the IIN.") }
    FieldLegalForm { ru: "Форма бизнеса", kk: Some("Бизнес нысаны"), en: Some("Business form") }
    FieldBin { ru: "БИН (для ТОО и кооперативов)", kk: Some("БСН (ЖШС мен кооперативтер үшін)"), en: Some("BIN (for LLPs and co-operatives)") }
    FieldSector { ru: "Отрасль", kk: Some("Сала"), en: Some("Sector") }
    FieldOked { ru: "Раздел ОКЭД (две цифры)", kk: Some("ЭҚЖЖ бөлімі (екі цифр)"), en: Some("OKED division (two digits)") }
    FieldStage { ru: "Стадия бизнеса", kk: Some("Бизнес кезеңі"), en: Some("Business stage") }
    FieldStarted { ru: "Когда начали (месяц)", kk: Some("Қашан бастадыңыз (ай)"), en: Some("Started (month)") }
    FieldEmployees { ru: "Работников", kk: Some("Қызметкерлер саны"), en: Some("Employees") }
    FieldRevenue { ru: "Годовой доход, ₸", kk: Some("Жылдық табыс, ₸"), en: Some("Annual revenue, ₸") }
    FieldLand { ru: "Земля, га", kk: Some("Жер, га"), en: Some("Land, ha") }
    FieldLivestock { ru: "Скот, голов", kk: Some("Мал, бас"), en: Some("Livestock, head") }
    FieldCollateral { ru: "Есть имущество для залога", kk: Some("Кепілге қоятын мүлік бар ма"), en: Some("Property to pledge") }
    ChoiceYes { ru: "Да", kk: Some("Иә"), en: Some("Yes") }
    ChoiceNo { ru: "Нет", kk: Some("Жоқ"), en: Some("No") }
    ChoiceNotSaid { ru: "— не указано —", kk: Some("— көрсетілмеген —"), en: Some("— not said —") }
    FieldCertificates { ru: "Сертификаты", kk: Some("Сертификаттар"), en: Some("Certificates") }
    FieldAmount { ru: "Сколько нужно, ₸", kk: Some("Қанша керек, ₸"), en: Some("Amount needed, ₸") }
    FieldSettlement { ru: "Населённый пункт", kk: Some("Елді мекен"), en: Some("Settlement") }
    FieldPlaceSearch { ru: "Найти населённый пункт", kk: Some("Елді мекенді іздеу"), en: Some("Find your settlement") }
    HintPlaceSearch { ru: "Начните с названия, например «Шаян», и нажмите «Найти».", kk: Some("Атауын жазып, «Іздеу» түймесін басыңыз, мысалы «Шаян»."), en: Some("Type its name, e.g. “Shayan”, and press Find.") }
    ButtonFind { ru: "Найти", kk: Some("Іздеу"), en: Some("Find") }
    PlaceNoHits { ru: "Ничего не найдено. Проверьте написание.", kk: Some("Ештеңе табылмады. Жазылуын тексеріңіз."), en: Some("Nothing found. Check the spelling.") }
    PlaceNotChosen { ru: "Населённый пункт не выбран.", kk: Some("Елді мекен таңдалмаған."), en: Some("No settlement chosen.") }
    ButtonSaveProfile { ru: "Сохранить и посмотреть программы", kk: Some("Сақтау және бағдарламаларды көру"), en: Some("Save and see programmes") }
    ProfileOnlyEntrepreneurs { ru: "Профиль и подбор программ — для предпринимателей. Вы вошли в другой роли.", kk: Some("Профиль мен бағдарламаларды іріктеу кәсіпкерлерге арналған. Сіз басқа рөлмен кірдіңіз."), en: Some("The profile and matching are for entrepreneurs; you are signed in in another role.") }
    ProfileSaved { ru: "Профиль сохранён.", kk: Some("Профиль сақталды."), en: Some("Profile saved.") }
    MatchesTitle { ru: "Мне подходит", kk: Some("Маған сәйкес"), en: Some("My matches") }
    MatchesLead { ru: "Все открытые программы по вашему профилю: почему подходят или нет и что можно изменить.", kk: Some("Профиліңіз бойынша барлық ашық бағдарламалар: неге сәйкес немесе сәйкес емес және нені өзгертуге болады."), en: Some("Every open programme against your profile: why it fits or not, and what would change that.") }
    MatchesCompleteness { ru: "Заполнено сведений: {filled} из {total}.", kk: Some("Толтырылған мәліметтер: {total} ішінен {filled}."), en: Some("Facts given: {filled} of {total}.") }
    MatchesEditProfile { ru: "Изменить профиль", kk: Some("Профильді өзгерту"), en: Some("Edit profile") }
    StandingEligible { ru: "Подходят вам", kk: Some("Сізге сәйкес"), en: Some("You are eligible") }
    StandingPossible { ru: "Могут подойти — не хватает сведений", kk: Some("Сәйкес болуы мүмкін — мәліметтер жетіспейді"), en: Some("May fit: some facts are missing") }
    StandingNearMiss { ru: "Почти подходят", kk: Some("Сәйкес келуге жақын"), en: Some("Near misses") }
    MatchesNextBest { ru: "Подходит из того же вида:", kk: Some("Осы түрдегі сәйкес бағдарлама:"), en: Some("Eligible of the same kind:") }
    WhatIfKeep { ru: "Сохранить сумму и отрасль в профиль", kk: Some("Соманы және саланы профильге сақтау"), en: Some("Keep the amount and sector in my profile") }
    MatchesMore { ru: "И ещё {n} — уточните профиль или «А если…», чтобы сузить список.", kk: Some("Тағы {n} — тізімді тарылту үшін профильді немесе «Егер…» өрістерін нақтылаңыз."), en: Some("And {n} more: refine your profile or the what-if to narrow the list.") }
    MatchesNone { ru: "Нет открытых программ.", kk: Some("Ашық бағдарламалар жоқ."), en: Some("No open programmes.") }
    WhatIfTitle { ru: "А если…", kk: Some("Егер…"), en: Some("What if…") }
    WhatIfLead { ru: "Измените возраст, сумму, отрасль или регион — список пересчитается. Профиль при этом не меняется.", kk: Some("Жасты, соманы, саланы немесе өңірді өзгертіңіз — тізім қайта есептеледі. Профиль өзгермейді."), en: Some("Change the age, amount, sector or region and the list is recalculated. Your profile is not changed.") }
    WhatIfAge { ru: "Возраст", kk: Some("Жасы"), en: Some("Age") }
    WhatIfAmount { ru: "Сумма, ₸", kk: Some("Сома, ₸"), en: Some("Amount, ₸") }
    WhatIfRegion { ru: "Регион", kk: Some("Өңір"), en: Some("Region") }
    WhatIfApply { ru: "Пересчитать", kk: Some("Қайта есептеу"), en: Some("Recalculate") }
    WhatIfReset { ru: "Как в профиле", kk: Some("Профильдегідей"), en: Some("As in my profile") }
    WhatIfActive { ru: "Показан расчёт «а если»: профиль не изменён.", kk: Some("«Егер» есебі көрсетілген: профиль өзгерген жоқ."), en: Some("Showing a what-if: your profile is unchanged.") }
    AsInProfile { ru: "как в профиле", kk: Some("профильдегідей"), en: Some("as in profile") }
    FitTitle { ru: "Подходит ли вам", kk: Some("Сізге сәйкес пе"), en: Some("Does it fit you") }
    FitEligible { ru: "По вашему профилю вы подходите.", kk: Some("Профиліңіз бойынша сіз сәйкессіз."), en: Some("By your profile, you are eligible.") }
    FitPossible { ru: "Может подойти: не хватает сведений.", kk: Some("Сәйкес болуы мүмкін: мәліметтер жетіспейді."), en: Some("May fit: some facts are missing.") }
    FitNearMiss { ru: "Пока не подходит.", kk: Some("Әзірге сәйкес емес."), en: Some("Not eligible yet.") }
    FitClosed { ru: "Программа сейчас не принимает заявки.", kk: Some("Бағдарлама қазір өтінім қабылдамайды."), en: Some("The programme is not taking applications now.") }
    FitSignIn { ru: "Войдите как предприниматель и заполните профиль — здесь появится, подходит ли вам программа и почему.", kk: Some("Кәсіпкер ретінде кіріп, профильді толтырыңыз — мұнда бағдарламаның сізге сәйкес-сәйкес еместігі және себебі көрсетіледі."), en: Some("Sign in as an entrepreneur and fill in your profile to see here whether the programme fits you, and why.") }

    // Applications: states and what the applicant is expected to do
    AppStateDraft { ru: "Черновик", kk: Some("Жоба"), en: Some("Draft") }
    AppStateSubmitted { ru: "Подана", kk: Some("Жіберілді"), en: Some("Submitted") }
    AppStateInReview { ru: "На рассмотрении", kk: Some("Қаралуда"), en: Some("In review") }
    AppStateInfoRequested { ru: "Запрошены сведения", kk: Some("Мәліметтер сұралды"), en: Some("Information requested") }
    AppStateApproved { ru: "Одобрена", kk: Some("Мақұлданды"), en: Some("Approved") }
    AppStateDisbursed { ru: "Деньги выданы", kk: Some("Қаржы берілді"), en: Some("Disbursed") }
    AppStateRejected { ru: "Отклонена", kk: Some("Қабылданбады"), en: Some("Rejected") }
    AppStateWithdrawn { ru: "Отозвана", kk: Some("Кері қайтарылды"), en: Some("Withdrawn") }
    AppTodoDraft { ru: "Заполните заявку и отправьте её.", kk: Some("Өтінімді толтырып, жіберіңіз."), en: Some("Complete the application and send it.") }
    AppTodoInfoRequested { ru: "Ответьте на запрос и приложите то, что просят — до ответа рассмотрение приостановлено.", kk: Some("Сұрауға жауап беріп, сұралған құжаттарды тіркеңіз — жауап бергенше қарау тоқтатылады."), en: Some("Answer the request and attach what is asked; the review is paused until you do.") }
    AppTodoApproved { ru: "Ждите перечисления денег; оператор свяжется с вами для подписания договора.", kk: Some("Қаржының аударылуын күтіңіз; шартқа қол қою үшін оператор сізбен байланысады."), en: Some("Wait for the payment; the operator will contact you to sign the contract.") }

    AppMailSubject { ru: "Заявка №{id}: {state}", kk: Some("№{id} өтінім: {state}"), en: Some("Application No. {id}: {state}") }
    AppMailBody { ru: "Ваша заявка №{id} на программу «{program}»: {state}.\n\nПодробности и история: {link}", kk: Some("«{program}» бағдарламасына №{id} өтініміңіз: {state}.\n\nТолығырақ және тарихы: {link}"), en: Some("Your application No. {id} to “{program}”: {state}.\n\nDetails and history: {link}") }
    AppReason { ru: "Комментарий", kk: Some("Түсініктеме"), en: Some("Comment") }

    // Applications: pages
    NavApplications { ru: "Мои заявки", kk: Some("Менің өтінімдерім"), en: Some("My applications") }
    AppApply { ru: "Подать заявку", kk: Some("Өтінім беру"), en: Some("Apply") }
    AppApplyContinue { ru: "У вас уже есть открытая заявка на эту программу — продолжить её", kk: Some("Бұл бағдарламаға ашық өтініміңіз бар — оны жалғастыру"), en: Some("You already have an open application to this programme — continue it") }
    AppApplySignIn { ru: "Чтобы подать заявку, войдите как предприниматель.", kk: Some("Өтінім беру үшін кәсіпкер ретінде кіріңіз."), en: Some("Sign in as an entrepreneur to apply.") }
    AppsTitle { ru: "Мои заявки", kk: Some("Менің өтінімдерім"), en: Some("My applications") }
    AppsNone { ru: "Заявок пока нет. Найдите подходящую программу и нажмите «Подать заявку».", kk: Some("Әзірге өтінім жоқ. Сәйкес бағдарламаны тауып, «Өтінім беру» түймесін басыңыз."), en: Some("No applications yet. Find a programme that fits and press “Apply”.") }
    AppTitle { ru: "Заявка №{id}", kk: Some("№{id} өтінім"), en: Some("Application No. {id}") }
    AppStateNow { ru: "Статус", kk: Some("Күйі"), en: Some("Status") }
    AppTodoTitle { ru: "Что от вас ждут", kk: Some("Сізден не күтіледі"), en: Some("What is expected of you") }
    AppNothingToDo { ru: "Сейчас от вас ничего не требуется: мы сообщим, когда что-то изменится.", kk: Some("Қазір сізден ештеңе талап етілмейді: бірдеңе өзгерсе, хабарлаймыз."), en: Some("Nothing is needed from you now; we will tell you when something changes.") }
    AppEstimateTitle { ru: "Срок решения", kk: Some("Шешім мерзімі"), en: Some("Time to a decision") }
    AppEstimate { ru: "Обычно решение принимают за {median}; в 9 случаях из 10 — не дольше {p90}. Это по {n} последним решениям по этой программе, без времени, пока ждали ответа заявителя.", kk: Some("Әдетте шешім {median} ішінде қабылданады; 10 жағдайдың 9-ында — {p90} аспайды. Бұл осы бағдарлама бойынша соңғы {n} шешімнен есептелген, өтініш берушінің жауабын күткен уақыт есептелмейді."), en: Some("A decision usually takes {median}; 9 times in 10 no more than {p90}. From the latest {n} decisions of this programme, not counting time spent waiting for applicants.") }
    AppEstimateNone { ru: "По этой программе пока слишком мало решений, чтобы назвать срок: он появится, когда их будет не меньше {min}.", kk: Some("Бұл бағдарлама бойынша мерзімді айту үшін шешімдер әлі аз: олар кемінде {min} болғанда мерзім көрсетіледі."), en: Some("There are too few decisions in this programme to give a time yet; it appears once there are at least {min}.") }
    AppDays { ru: "{n} дн.", kk: Some("{n} күн"), en: Some("{n} days") }
    AppHours { ru: "{n} ч", kk: Some("{n} сағ"), en: Some("{n} h") }
    AppTimeline { ru: "История заявки", kk: Some("Өтінім тарихы"), en: Some("Timeline") }
    AppStepCreate { ru: "Создан черновик", kk: Some("Жоба құрылды"), en: Some("Draft created") }
    AppStepSubmit { ru: "Заявка отправлена", kk: Some("Өтінім жіберілді"), en: Some("Application sent") }
    AppStepStartReview { ru: "Оператор начал рассмотрение", kk: Some("Оператор қарауды бастады"), en: Some("The operator started the review") }
    AppStepRequestInfo { ru: "Оператор запросил сведения", kk: Some("Оператор мәліметтер сұрады"), en: Some("The operator asked for information") }
    AppStepAnswer { ru: "Заявитель ответил на запрос", kk: Some("Өтініш беруші сұрауға жауап берді"), en: Some("The applicant answered") }
    AppStepApprove { ru: "Заявка одобрена", kk: Some("Өтінім мақұлданды"), en: Some("Approved") }
    AppStepReject { ru: "Заявка отклонена", kk: Some("Өтінім қабылданбады"), en: Some("Rejected") }
    AppStepDisburse { ru: "Деньги выданы", kk: Some("Қаржы берілді"), en: Some("Money paid out") }
    AppStepWithdraw { ru: "Заявка отозвана", kk: Some("Өтінім кері қайтарылды"), en: Some("Withdrawn") }
    AppStepAskRecommendation { ru: "Заявитель попросил акимат о рекомендации", kk: Some("Өтініш беруші әкімдіктен ұсыным сұрады"), en: Some("The applicant asked the akimat for a recommendation") }
    AppStepRecommend { ru: "Акимат дал рекомендацию", kk: Some("Әкімдік ұсыным берді"), en: Some("The akimat gave a recommendation") }
    AppActorAkimat { ru: "акимат сельского округа", kk: Some("ауылдық округ әкімдігі"), en: Some("the okrug's akimat") }
    AppActorOperator { ru: "оператор программы", kk: Some("бағдарлама операторы"), en: Some("programme operator") }
    AppFieldAmount { ru: "Сумма, ₸", kk: Some("Сома, ₸"), en: Some("Amount, ₸") }
    AppFieldAmountRange { ru: "Программа даёт до {max}.", kk: Some("Бағдарлама {max} дейін береді."), en: Some("The programme gives up to {max}.") }
    AppFieldTerm { ru: "Срок, месяцев", kk: Some("Мерзімі, ай"), en: Some("Term, months") }
    AppFieldTermRange { ru: "Не больше {max} мес.", kk: Some("{max} айдан аспайды."), en: Some("At most {max} months.") }
    AppFieldPurpose { ru: "На что нужны деньги", kk: Some("Қаржы не үшін қажет"), en: Some("What the money is for") }
    AppPlanTitle { ru: "Коротко о бизнес-плане", kk: Some("Бизнес-жоспар туралы қысқаша"), en: Some("The business plan in brief") }
    AppFieldPlanActivity { ru: "Что вы будете делать", kk: Some("Не істейсіз"), en: Some("What you will do") }
    AppFieldPlanCosts { ru: "Сколько это стоит всего, ₸", kk: Some("Барлығы қанша тұрады, ₸"), en: Some("What it costs in total, ₸") }
    AppFieldPlanRevenue { ru: "Ожидаемая выручка за год, ₸", kk: Some("Жылдық күтілетін түсім, ₸"), en: Some("Expected revenue per year, ₸") }
    AppFieldPlanJobs { ru: "Сколько рабочих мест создадите", kk: Some("Қанша жұмыс орнын ашасыз"), en: Some("Jobs you will create") }
    AppFieldCollateral { ru: "Что можете предложить в залог (если есть)", kk: Some("Кепілге не ұсына аласыз (бар болса)"), en: Some("What you can offer as security (if anything)") }
    AppDocsTitle { ru: "Документы", kk: Some("Құжаттар"), en: Some("Documents") }
    AppDocsHint { ru: "PDF, JPEG или PNG, до 10 МБ каждый. Если какого-то документа нет, отправьте без него: оператор может запросить его позже.", kk: Some("PDF, JPEG немесе PNG, әрқайсысы 10 МБ дейін. Қандай да бір құжат болмаса, онсыз жіберіңіз: оператор оны кейін сұрай алады."), en: Some("PDF, JPEG or PNG, up to 10 MB each. If you lack a document, send without it; the operator may ask for it later.") }
    AppDocAttached { ru: "Приложен:", kk: Some("Тіркелді:"), en: Some("Attached:") }
    AppDocMissing { ru: "Не приложен", kk: Some("Тіркелмеген"), en: Some("Not attached") }
    AppDocOther { ru: "Другие файлы", kk: Some("Басқа файлдар"), en: Some("Other files") }
    AppSave { ru: "Сохранить черновик", kk: Some("Жобаны сақтау"), en: Some("Save draft") }
    AppSubmit { ru: "Отправить заявку", kk: Some("Өтінімді жіберу"), en: Some("Send the application") }
    AppWithdraw { ru: "Отозвать заявку", kk: Some("Өтінімді кері қайтару"), en: Some("Withdraw the application") }
    AppAutosaveOn { ru: "Черновик сохраняется сам, пока вы пишете.", kk: Some("Жоба сіз жазып отырғанда өзі сақталады."), en: Some("The draft saves itself as you type.") }
    AppSaving { ru: "Сохраняем…", kk: Some("Сақталуда…"), en: Some("Saving…") }
    AppAutosaved { ru: "Черновик сохранён.", kk: Some("Жоба сақталды."), en: Some("Draft saved.") }
    AppSavedLocally { ru: "Нет связи: черновик сохранён на этом устройстве и уйдёт на сервер, когда связь вернётся.", kk: Some("Байланыс жоқ: жоба осы құрылғыда сақталды, байланыс қалпына келгенде серверге жіберіледі."), en: Some("No connection: the draft is kept on this device and will be sent when the connection returns.") }
    AppRestored { ru: "Восстановлен черновик, сохранённый на этом устройстве без связи.", kk: Some("Байланыссыз осы құрылғыда сақталған жоба қалпына келтірілді."), en: Some("Restored the draft kept on this device while offline.") }
    AppRequestTitle { ru: "Оператор просит", kk: Some("Оператор сұрайды"), en: Some("The operator asks for") }
    AppAnswerLabel { ru: "Ваш ответ", kk: Some("Сіздің жауабыңыз"), en: Some("Your answer") }
    AppAnswerFiles { ru: "Файлы к ответу (PDF, JPEG, PNG, до 10 МБ)", kk: Some("Жауапқа файлдар (PDF, JPEG, PNG, 10 МБ дейін)"), en: Some("Files for the answer (PDF, JPEG, PNG, up to 10 MB)") }
    AppAnswerSend { ru: "Отправить ответ", kk: Some("Жауапты жіберу"), en: Some("Send the answer") }
    AppOperatorTitle { ru: "Действия оператора", kk: Some("Оператор әрекеттері"), en: Some("Operator actions") }
    AppOpStartReview { ru: "Взять на рассмотрение", kk: Some("Қарауға алу"), en: Some("Start the review") }
    AppOpRequestInfo { ru: "Запросить сведения", kk: Some("Мәліметтер сұрау"), en: Some("Ask for information") }
    AppOpItems { ru: "Что нужно от заявителя (по пункту на строку)", kk: Some("Өтініш берушіден не қажет (әр жолға бір тармақ)"), en: Some("What the applicant must provide (one item per line)") }
    AppOpApprove { ru: "Одобрить", kk: Some("Мақұлдау"), en: Some("Approve") }
    AppOpReject { ru: "Отклонить", kk: Some("Қабылдамау"), en: Some("Reject") }
    AppOpReason { ru: "Комментарий (для отказа обязателен)", kk: Some("Түсініктеме (бас тарту үшін міндетті)"), en: Some("Comment (required for a rejection)") }
    AppOpDisburse { ru: "Отметить выдачу денег", kk: Some("Қаржы берілгенін белгілеу"), en: Some("Record the payment") }
    AppDoneSaved { ru: "Черновик сохранён.", kk: Some("Жоба сақталды."), en: Some("Draft saved.") }
    AppDoneSubmitted { ru: "Заявка отправлена. Мы сообщим о каждом изменении.", kk: Some("Өтінім жіберілді. Әр өзгеріс туралы хабарлаймыз."), en: Some("Application sent. We will tell you about every change.") }
    AppDoneAnswered { ru: "Ответ отправлен; заявка вернулась на рассмотрение.", kk: Some("Жауап жіберілді; өтінім қайта қарауға оралды."), en: Some("Answer sent; the application is back in review.") }
    AppDoneWithdrawn { ru: "Заявка отозвана.", kk: Some("Өтінім кері қайтарылды."), en: Some("Application withdrawn.") }
    AppDoneStep { ru: "Готово: статус заявки изменён.", kk: Some("Дайын: өтінім күйі өзгерді."), en: Some("Done: the application's status changed.") }
    AppSubmitted { ru: "Отправлено", kk: Some("Жіберілді"), en: Some("Sent") }
    NotificationApp { ru: "Заявка №{id} на «{program}»: {state}", kk: Some("«{program}» бағдарламасына №{id} өтінім: {state}"), en: Some("Application No. {id} to “{program}”: {state}") }

    // Recommendations by akims
    RecRelNone { ru: "Нет связи с заявителем", kk: Some("Өтініш берушімен байланыс жоқ"), en: Some("No relationship with the applicant") }
    RecRelFamily { ru: "Родство", kk: Some("Туыстық"), en: Some("Family") }
    RecRelBusiness { ru: "Деловая связь", kk: Some("Іскерлік байланыс"), en: Some("Business relationship") }
    RecTitle { ru: "Рекомендация акимата", kk: Some("Әкімдік ұсынымы"), en: Some("The akimat's recommendation") }
    RecAskButton { ru: "Попросить акимат о рекомендации", kk: Some("Әкімдіктен ұсыным сұрау"), en: Some("Ask the akimat for a recommendation") }
    RecAskHint { ru: "Необязательно: рекомендация акима — не условие подачи заявки. Акимат вашего сельского округа увидит заявку и может её рекомендовать или нет; его ответ будет виден вам и оператору.", kk: Some("Міндетті емес: әкімнің ұсынымы өтінім берудің шарты емес. Ауылдық округіңіздің әкімдігі өтінімді көріп, оны ұсына алады немесе ұсынбайды; жауабы сізге және операторға көрінеді."), en: Some("Optional: the akim's recommendation is not a condition to apply. Your okrug's akimat will see the application and may recommend it or not; its answer is shown to you and to the operator.") }
    RecAsked { ru: "Вы попросили акимат о рекомендации; ответа пока нет.", kk: Some("Сіз әкімдіктен ұсыным сұрадыңыз; әзірге жауап жоқ."), en: Some("You asked the akimat for a recommendation; no answer yet.") }
    RecVersion { ru: "версия {n}", kk: Some("{n}-нұсқа"), en: Some("version {n}") }
    RecRelationshipDeclared { ru: "Заявлена связь с заявителем: {kind} — {note}", kk: Some("Өтініш берушімен байланыс мәлімделді: {kind} — {note}"), en: Some("Declared relationship with the applicant: {kind} — {note}") }
    RecFormTitle { ru: "Рекомендация вашего акимата", kk: Some("Әкімдігіңіздің ұсынымы"), en: Some("Your akimat's recommendation") }
    RecVerdictLabel { ru: "Решение", kk: Some("Шешім"), en: Some("Verdict") }
    RecReasonsLabel { ru: "Основания", kk: Some("Негіздер"), en: Some("Reasons") }
    RecTextLabel { ru: "Комментарий", kk: Some("Түсініктеме"), en: Some("Comment") }
    RecRelationshipLabel { ru: "Есть ли у вас родство или деловая связь с заявителем", kk: Some("Өтініш берушімен туыстығыңыз немесе іскерлік байланысыңыз бар ма"), en: Some("Do you have a family or business relationship with the applicant") }
    RecRelNoteLabel { ru: "Какая именно (если есть)", kk: Some("Қандай (бар болса)"), en: Some("What exactly (if any)") }
    RecSave { ru: "Сохранить рекомендацию", kk: Some("Ұсынымды сақтау"), en: Some("Save the recommendation") }
    RecCorrect { ru: "Исправить (будет новая версия, прежняя останется видна)", kk: Some("Түзету (жаңа нұсқа болады, бұрынғысы көрінеді)"), en: Some("Correct it (a new version; the earlier one stays visible)") }
    AppDoneAsked { ru: "Акимат получил вашу просьбу о рекомендации.", kk: Some("Әкімдік ұсыным туралы өтінішіңізді алды."), en: Some("The akimat has your request for a recommendation.") }
    AppDoneRecommended { ru: "Рекомендация сохранена; заявитель и оператор её видят.", kk: Some("Ұсыным сақталды; өтініш беруші мен оператор оны көреді."), en: Some("Recommendation saved; the applicant and the operator see it.") }
    NavAkimat { ru: "Мой округ", kk: Some("Менің округім"), en: Some("My okrug") }
    AkimatQueueNone { ru: "Пока никто из жителей округа не просил рекомендации.", kk: Some("Әзірге округ тұрғындарының ешқайсысы ұсыным сұраған жоқ."), en: Some("No resident of the okrug has asked for a recommendation yet.") }
    NavReports { ru: "Отчёты округов", kk: Some("Округтер есебі"), en: Some("Okrug reports") }
    AkimatQueueHeading { ru: "Просьбы о рекомендации", kk: Some("Ұсыным туралы өтініштер"), en: Some("Recommendation requests") }
    RepStageWaiting { ru: "Ожидание рассмотрения", kk: Some("Қарауды күту"), en: Some("Waiting for review") }
    RepStageReview { ru: "Рассмотрение до решения", kk: Some("Шешімге дейін қарау"), en: Some("Review to decision") }
    RepStagePayment { ru: "От одобрения до выдачи денег", kk: Some("Мақұлдаудан ақша беруге дейін"), en: Some("Approval to payment") }
    RepSaidRecommended { ru: "Рекомендованы акиматом", kk: Some("Әкімдік ұсынған"), en: Some("Recommended by the akimat") }
    RepSaidNotRecommended { ru: "Не рекомендованы акиматом", kk: Some("Әкімдік ұсынбаған"), en: Some("Not recommended by the akimat") }
    RepSaidNothing { ru: "Без рекомендации", kk: Some("Ұсынымсыз"), en: Some("Without a recommendation") }
    RepTitle { ru: "Отчёт о поддержке сельского предпринимательства", kk: Some("Ауылдық кәсіпкерлікті қолдау туралы есеп"), en: Some("Rural business support report") }
    RepPickerLabel { ru: "Найти округ, район или область", kk: Some("Округті, ауданды немесе облысты табу"), en: Some("Find an okrug, district or region") }
    RepPickerPlaceholder { ru: "Например: Акжар", kk: Some("Мысалы: Ақжар"), en: Some("For example: Akzhar") }
    RepPickerButton { ru: "Найти", kk: Some("Табу"), en: Some("Find") }
    RepPickerNone { ru: "По запросу «{q}» ничего не найдено. Проверьте название или введите его часть.", kk: Some("«{q}» бойынша ештеңе табылмады. Атауын тексеріңіз немесе бір бөлігін енгізіңіз."), en: Some("Nothing found for “{q}”. Check the name or type part of it.") }
    RepPickerResults { ru: "Найденные места", kk: Some("Табылған жерлер"), en: Some("Places found") }
    RepFewerThan3 { ru: "менее 3", kk: Some("3-тен аз"), en: Some("fewer than 3") }
    RepTooFew { ru: "мало данных", kk: Some("дерек аз"), en: Some("too few to say") }
    RepDays { ru: "{n} дн.", kk: Some("{n} күн"), en: Some("{n} d") }
    RepLevelCountry { ru: "Страна", kk: Some("Ел"), en: Some("Country") }
    RepLevelRegion { ru: "Область", kk: Some("Облыс"), en: Some("Region") }
    RepLevelDistrict { ru: "Район", kk: Some("Аудан"), en: Some("District") }
    RepLevelOkrug { ru: "Сельский округ", kk: Some("Ауылдық округ"), en: Some("Rural okrug") }
    RepCountry { ru: "Казахстан", kk: Some("Қазақстан"), en: Some("Kazakhstan") }
    RepKato { ru: "КАТО", kk: Some("ӘАОЖ"), en: Some("KATO") }
    RepAsOf { ru: "данные на {date}", kk: Some("{date} жағдай бойынша"), en: Some("figures as of {date}") }
    RepWithin { ru: "Где находится", kk: Some("Орналасуы"), en: Some("Location") }
    RepHeading { ru: "{name}: поддержка предпринимателей", kk: Some("{name}: кәсіпкерлерді қолдау"), en: Some("{name}: support for entrepreneurs") }
    RepPrint { ru: "Версия для печати", kk: Some("Басып шығаруға арналған нұсқа"), en: Some("Print version") }
    RepCsv { ru: "Данные CSV", kk: Some("CSV деректері"), en: Some("CSV data") }
    RepJson { ru: "Данные JSON", kk: Some("JSON деректері"), en: Some("JSON data") }
    RepSchema { ru: "Открытые данные: описание", kk: Some("Ашық деректер: сипаттамасы"), en: Some("Open data: the schema") }
    RepFunnel { ru: "Путь к деньгам", kk: Some("Ақшаға дейінгі жол"), en: Some("The road to the money") }
    RepRegistered { ru: "Зарегистрировано предпринимателей", kk: Some("Тіркелген кәсіпкерлер"), en: Some("Entrepreneurs registered") }
    RepApplied { ru: "Подано заявок", kk: Some("Берілген өтінімдер"), en: Some("Applications submitted") }
    RepRecommended { ru: "Рекомендовано акиматом", kk: Some("Әкімдік ұсынған"), en: Some("Recommended by the akimat") }
    RepApproved { ru: "Одобрено", kk: Some("Мақұлданды"), en: Some("Approved") }
    RepDisbursed { ru: "Деньги выданы", kk: Some("Ақша берілді"), en: Some("Paid out") }
    RepApprovedKzt { ru: "Одобрено, ₸", kk: Some("Мақұлданды, ₸"), en: Some("Approved, ₸") }
    RepDisbursedKzt { ru: "Выдано, ₸", kk: Some("Берілді, ₸"), en: Some("Paid out, ₸") }
    RepJobs { ru: "Рабочих мест по планам одобренных заявок", kk: Some("Мақұлданған өтінімдер жоспары бойынша жұмыс орындары"), en: Some("Jobs in the approved business plans") }
    RepApprovalRate { ru: "Доля одобренных из решённых", kk: Some("Шешілгендердің ішінде мақұлданғаны"), en: Some("Approved of those decided") }
    RepRecommendedShare { ru: "Доля рекомендованных акиматом", kk: Some("Әкімдік ұсынғандардың үлесі"), en: Some("Share recommended by the akimat") }
    RepOutcomeRejected { ru: "Отклонено", kk: Some("Қабылданбады"), en: Some("Rejected") }
    RepOutcomePending { ru: "Ещё рассматриваются", kk: Some("Әлі қаралуда"), en: Some("Still being decided") }
    RepStages { ru: "Сколько длится каждый этап", kk: Some("Әр кезең қанша уақыт алады"), en: Some("How long each stage takes") }
    RepStage { ru: "Этап", kk: Some("Кезең"), en: Some("Stage") }
    RepMedian { ru: "Обычно (медиана)", kk: Some("Әдетте (медиана)"), en: Some("Typically (median)") }
    RepP90 { ru: "9 из 10 заявок — не дольше", kk: Some("10 өтінімнің 9-ы — бұдан ұзақ емес"), en: Some("9 in 10 within") }
    RepApplications { ru: "Заявок", kk: Some("Өтінімдер"), en: Some("Applications") }
    RepRecommendations { ru: "Рекомендации акимата и их итог", kk: Some("Әкімдік ұсынымдары және олардың нәтижесі"), en: Some("The akimat's recommendations and how they fared") }
    RepSaid { ru: "Что сказал акимат", kk: Some("Әкімдік не деді"), en: Some("What the akimat said") }
    RepAkimNamed { ru: "Аким {name}", kk: Some("Әкім {name}"), en: Some("Akim {name}") }
    RepAkimatStaff { ru: "Сотрудник акимата", kk: Some("Әкімдік қызметкері"), en: Some("Akimat staff member") }
    RepRecommenderLine { ru: "рекомендовал — {yes}, не рекомендовал — {no}; рекомендовано {share} всех заявок округа", kk: Some("ұсынды — {yes}, ұсынбады — {no}; округтің барлық өтінімдерінің {share} ұсынылды"), en: Some("recommended {yes}, did not recommend {no}; recommended {share} of all the okrug's applications") }
    RepMonths { ru: "По месяцам: подано и одобрено", kk: Some("Айлар бойынша: берілгені және мақұлданғаны"), en: Some("By month: submitted and approved") }
    RepAsTable { ru: "Те же данные таблицей", kk: Some("Сол деректер кестемен"), en: Some("The same figures as a table") }
    RepMonth { ru: "Месяц", kk: Some("Ай"), en: Some("Month") }
    RepPrograms { ru: "Программы, по которым подают чаще всего", kk: Some("Жиі өтінім берілетін бағдарламалар"), en: Some("The programmes most applied to") }
    RepNoApplications { ru: "Заявок пока не было.", kk: Some("Әзірге өтінім болған жоқ."), en: Some("No applications yet.") }
    RepProgram { ru: "Программа", kk: Some("Бағдарлама"), en: Some("Programme") }
    RepComparison { ru: "Сравнение с более крупными территориями", kk: Some("Үлкенірек аумақтармен салыстыру"), en: Some("Compared with the larger areas it is part of") }
    RepArea { ru: "Территория", kk: Some("Аумақ"), en: Some("Area") }
    RepPer100 { ru: "Заявок на 100 зарегистрированных", kk: Some("100 тіркелгенге шаққандағы өтінімдер"), en: Some("Applications per 100 registered") }
    RepReviewMedian { ru: "Рассмотрение, медиана", kk: Some("Қарау, медиана"), en: Some("Review, median") }
    RepChildrenRegions { ru: "По областям", kk: Some("Облыстар бойынша"), en: Some("By region") }
    RepChildrenDistricts { ru: "По районам", kk: Some("Аудандар бойынша"), en: Some("By district") }
    RepChildrenOkrugs { ru: "По сельским округам", kk: Some("Ауылдық округтер бойынша"), en: Some("By rural okrug") }
    RepPrivacy { ru: "Здесь нет персональных данных. Числа 1 и 2 показаны как «менее 3», а суммы, доли и сроки, за которыми меньше трёх заявок, не показаны, чтобы по ним нельзя было узнать человека.", kk: Some("Мұнда дербес деректер жоқ. 1 және 2 сандары «3-тен аз» деп көрсетілген, ал үштен аз өтінімге негізделген сомалар, үлестер мен мерзімдер адамды тану мүмкін болмауы үшін көрсетілмейді."), en: Some("There is no personal data here. Counts of 1 and 2 are shown as “fewer than 3”, and sums, shares and times resting on fewer than three applications are left out, so that no figure points at a person.") }
    RepSchemaIntro { ru: "Каждый отчёт можно скачать в CSV и JSON: /okrugs/{код КАТО}/data.csv и data.json, для всей страны — /okrugs/kz/…. Схема называется auyl-report/1; столбцы и названия показателей только добавляются, не меняются.", kk: Some("Әр есепті CSV және JSON түрінде жүктеуге болады: /okrugs/{ӘАОЖ коды}/data.csv және data.json, бүкіл ел үшін — /okrugs/kz/…. Схема атауы auyl-report/1; бағандар мен көрсеткіш атаулары тек қосылады, өзгермейді."), en: Some("Every report downloads as CSV and JSON: /okrugs/{KATO code}/data.csv and data.json, /okrugs/kz/… for the whole country. The schema is auyl-report/1; columns and measure names are only ever added, never changed.") }
    RepSchemaColumns { ru: "CSV: одна строка — один показатель. area_code — код КАТО (пусто для страны), level — country, region, district или okrug, measure — показатель (applied, approved, disbursed_kzt, stage_median_days…), key — уточнение (этап, месяц ГГГГ-ММ, программа, код вложенной территории), value — целое число, «<3» для скрытого значения или пусто, когда данных мало.", kk: Some("CSV: бір жол — бір көрсеткіш. area_code — ӘАОЖ коды (ел үшін бос), level — country, region, district немесе okrug, measure — көрсеткіш (applied, approved, disbursed_kzt, stage_median_days…), key — нақтылау (кезең, ЖЖЖЖ-АА айы, бағдарлама, ішкі аумақ коды), value — бүтін сан, жасырын мән үшін «<3» немесе дерек аз болса бос."), en: Some("CSV: one figure per line. area_code is the KATO code (empty for the country), level is country, region, district or okrug, measure names the figure (applied, approved, disbursed_kzt, stage_median_days…), key narrows it (a stage, a month YYYY-MM, a programme, a child area's code), value is a whole number, “<3” for a suppressed figure, or empty where there are too few applications.") }
    WsHeading { ru: "Рабочее место акимата: {name}", kk: Some("Әкімдіктің жұмыс орны: {name}"), en: Some("Akimat workspace: {name}") }
    WsPublicReport { ru: "Публичный отчёт округа", kk: Some("Округтің ашық есебі"), en: Some("The okrug's public report") }
    WsFigures { ru: "Показатели округа", kk: Some("Округ көрсеткіштері"), en: Some("The okrug's figures") }
    WsByState { ru: "Заявки по состоянию", kk: Some("Өтінімдер күйі бойынша"), en: Some("Applications by state") }
    WsStuck { ru: "Заявки, которые ждут дольше обычного", kk: Some("Әдеттегіден ұзақ күтіп тұрған өтінімдер"), en: Some("Applications waiting longer than usual") }
    WsStuckNone { ru: "Ни одна заявка не ждёт дольше обычного срока своей программы.", kk: Some("Бірде-бір өтінім өз бағдарламасының әдеттегі мерзімінен ұзақ күтіп тұрған жоқ."), en: Some("No application has waited longer than its programme usually takes.") }
    WsStuckDays { ru: "{n} дн. в этом состоянии (обычно до {usual} дн.)", kk: Some("осы күйде {n} күн (әдетте {usual} күнге дейін)"), en: Some("{n} d in this state (usually up to {usual} d)") }
    WsRejections { ru: "Причины отказов", kk: Some("Бас тарту себептері"), en: Some("Reasons for rejection") }
    WsRejectionsNone { ru: "Отказов пока не было.", kk: Some("Әзірге бас тарту болған жоқ."), en: Some("No rejections yet.") }
    ErrorWrongCode { ru: "Код неверный или устарел. Попросите жителя назвать код из последнего сообщения или отправьте новый.", kk: Some("Код қате немесе ескірген. Тұрғыннан соңғы хабарламадағы кодты сұраңыз немесе жаңасын жіберіңіз."), en: Some("The code is wrong or expired. Ask the resident for the code in the latest message, or send a new one.") }
    ErrorOutsideOkrug { ru: "Этот населённый пункт не входит в ваш округ: акимат подаёт заявки только за жителей своего округа.", kk: Some("Бұл елді мекен сіздің округке кірмейді: әкімдік тек өз округінің тұрғындары үшін өтінім береді."), en: Some("This settlement is not in your okrug: an akimat files only for residents of its own okrug.") }
    ErrorStaffAccount { ru: "Этот номер принадлежит сотруднику, а не жителю. Проверьте номер.", kk: Some("Бұл нөмір тұрғынға емес, қызметкерге тиесілі. Нөмірді тексеріңіз."), en: Some("This number belongs to a staff account, not a resident. Check the number.") }
    AssistTitle { ru: "Заявка за жителя", kk: Some("Тұрғын үшін өтінім"), en: Some("Filing for a resident") }
    AssistIntro { ru: "Если у жителя нет телефона с интернетом или учётной записи, акимат может начать заявку за него — только с его согласия. Житель получит сообщение на телефон, сможет войти по этому номеру и увидит всё, что сделано от его имени; каждое действие записывается с именем сотрудника.", kk: Some("Тұрғынның интернеті бар телефоны немесе тіркелгісі болмаса, әкімдік оның келісімімен ғана өтінімді бастай алады. Тұрғын телефонына хабарлама алады, осы нөмірмен кіріп, оның атынан жасалғанның бәрін көреді; әр әрекет қызметкердің атымен жазылады."), en: Some("If a resident has no smartphone or account, the akimat may start an application for them, only with their consent. The resident gets a message on their phone, can sign in with that number and sees everything done in their name; every action is recorded with the staff member's name.") }
    AssistLink { ru: "Подать заявку за жителя", kk: Some("Тұрғын үшін өтінім беру"), en: Some("File for a resident") }
    AssistName { ru: "Имя и фамилия жителя", kk: Some("Тұрғынның аты-жөні"), en: Some("Resident's full name") }
    AssistPhone { ru: "Телефон жителя", kk: Some("Тұрғынның телефоны"), en: Some("Resident's phone") }
    AssistSettlement { ru: "Населённый пункт (код КАТО)", kk: Some("Елді мекен (ӘАОЖ коды)"), en: Some("Settlement (KATO code)") }
    AssistProgram { ru: "Программа", kk: Some("Бағдарлама"), en: Some("Programme") }
    AssistConsent { ru: "Как житель дал согласие", kk: Some("Тұрғын келісімін қалай берді"), en: Some("How the resident consented") }
    AssistPaper { ru: "Подписал бумажное согласие — приложите скан или фото", kk: Some("Қағаз келісімге қол қойды — сканын немесе фотосын тіркеңіз"), en: Some("Signed a paper consent: attach a scan or photo") }
    AssistPhoneCode { ru: "Назвал код из сообщения на свой телефон", kk: Some("Өз телефонына келген хабарламадағы кодты айтты"), en: Some("Read back the code sent to their phone") }
    AssistScan { ru: "Скан подписанного согласия (PDF, JPEG или PNG)", kk: Some("Қол қойылған келісімнің сканы (PDF, JPEG немесе PNG)"), en: Some("Scan of the signed consent (PDF, JPEG or PNG)") }
    AssistCode { ru: "Код из сообщения", kk: Some("Хабарламадағы код"), en: Some("Code from the message") }
    AssistSendCode { ru: "Отправить код жителю", kk: Some("Тұрғынға код жіберу"), en: Some("Send the resident a code") }
    AssistCodeSent { ru: "Код отправлен на телефон жителя. Он действует 15 минут.", kk: Some("Код тұрғынның телефонына жіберілді. Ол 15 минут жарамды."), en: Some("The code was sent to the resident's phone. It is valid for 15 minutes.") }
    AssistStart { ru: "Начать заявку", kk: Some("Өтінімді бастау"), en: Some("Start the application") }
    AssistedBy { ru: "Заявку начал акимат ({name}) с согласия жителя: {how}, {date}.", kk: Some("Өтінімді тұрғынның келісімімен әкімдік ({name}) бастады: {how}, {date}."), en: Some("The akimat ({name}) started this application with the resident's consent: {how}, {date}.") }
    AssistedPaper { ru: "подписанное согласие на бумаге", kk: Some("қағаздағы қол қойылған келісім"), en: Some("a signed paper consent") }
    AssistedCode { ru: "код, отправленный на телефон жителя", kk: Some("тұрғынның телефонына жіберілген код"), en: Some("a code sent to the resident's phone") }
    AppDoneAssisted { ru: "Заявка начата от имени жителя. Заполните её вместе с ним; житель получил сообщение на телефон.", kk: Some("Өтінім тұрғынның атынан басталды. Оны тұрғынмен бірге толтырыңыз; тұрғын телефонына хабарлама алды."), en: Some("The application was started in the resident's name. Fill it in together; the resident got a message on their phone.") }
    AppStepAssistOpen { ru: "Акимат начал заявку от имени жителя", kk: Some("Әкімдік тұрғынның атынан өтінімді бастады"), en: Some("The akimat started the application in the resident's name") }
    AppStepAssistEdit { ru: "Акимат внёс данные в черновик", kk: Some("Әкімдік жобаға деректер енгізді"), en: Some("The akimat filled in the draft") }
    AkimatQueueAwaiting { ru: "ждёт ответа", kk: Some("жауап күтуде"), en: Some("awaiting an answer") }
    RecVerdictRecommend { ru: "Рекомендует", kk: Some("Ұсынады"), en: Some("Recommends") }
    RecVerdictDoNotRecommend { ru: "Не рекомендует", kk: Some("Ұсынбайды"), en: Some("Does not recommend") }
    RecReasonKnown { ru: "Заявитель известен акимату", kk: Some("Өтініш беруші әкімдікке таныс"), en: Some("The applicant is known to the akimat") }
    RecReasonVerified { ru: "Хозяйство или участок проверены на месте", kk: Some("Шаруашылық немесе учаске орнында тексерілді"), en: Some("The business or plot was verified on site") }
    RecReasonDemand { ru: "В селе есть спрос", kk: Some("Ауылда сұраныс бар"), en: Some("There is local demand") }
    RecReasonJobs { ru: "Рабочие места для села", kk: Some("Ауылға жұмыс орындары"), en: Some("Jobs for the village") }
    RecReasonRepaid { ru: "Прежняя поддержка погашена", kk: Some("Бұрынғы қолдау өтелді"), en: Some("Earlier support was repaid") }

    // Saved searches and alerts
    AlertMailSubject { ru: "Новые программы для вас", kk: Some("Сізге жаңа бағдарламалар"), en: Some("New programmes for you") }
    AlertMailBody { ru: "Появились программы, которые подходят под вашу подписку:\n\n{links}\n\nОтписаться одним нажатием: {unsubscribe}", kk: Some("Жазылымыңызға сәйкес бағдарламалар пайда болды:\n\n{links}\n\nБір басумен жазылымнан бас тарту: {unsubscribe}"), en: Some("Programmes matching your subscription have appeared:\n\n{links}\n\nUnsubscribe in one click: {unsubscribe}") }
    NotificationsTitle { ru: "Уведомления", kk: Some("Хабарламалар"), en: Some("Notifications") }
    NotificationsNone { ru: "Пока уведомлений нет.", kk: Some("Әзірге хабарлама жоқ."), en: Some("No notifications yet.") }
    NotificationsMarkRead { ru: "Отметить все прочитанными", kk: Some("Барлығын оқылды деп белгілеу"), en: Some("Mark all as read") }
    NotificationNew { ru: "Новая программа по подписке:", kk: Some("Жазылым бойынша жаңа бағдарлама:"), en: Some("New programme for your subscription:") }
    BellLabel { ru: "Уведомления, непрочитанных: {n}", kk: Some("Хабарламалар, оқылмағаны: {n}"), en: Some("Notifications, unread: {n}") }
    SubscriptionsTitle { ru: "Мои подписки", kk: Some("Менің жазылымдарым"), en: Some("My subscriptions") }
    SubscriptionsNone { ru: "Подписок нет. Сохраните поиск в каталоге или подпишитесь на подходящие программы на странице «Мне подходит».", kk: Some("Жазылымдар жоқ. Каталогта іздеуді сақтаңыз немесе «Маған сәйкес» бетінде сәйкес бағдарламаларға жазылыңыз."), en: Some("No subscriptions. Save a search in the catalogue, or subscribe to your matches on “My matches”.") }
    SavedSearchLabel { ru: "Поиск: {query}", kk: Some("Іздеу: {query}"), en: Some("Search: {query}") }
    SavedSearchAll { ru: "все программы", kk: Some("барлық бағдарламалар"), en: Some("all programmes") }
    SavedMatchesLabel { ru: "Новые программы, которые мне подходят", kk: Some("Маған сәйкес жаңа бағдарламалар"), en: Some("New programmes I am eligible for") }
    UnsubscribeButton { ru: "Отписаться", kk: Some("Жазылымнан бас тарту"), en: Some("Unsubscribe") }
    SaveSearchButton { ru: "Сообщать о новых программах по этому поиску", kk: Some("Осы іздеу бойынша жаңа бағдарламалар туралы хабарлау"), en: Some("Tell me about new programmes for this search") }
    SaveMatchesButton { ru: "Сообщать о новых подходящих мне программах", kk: Some("Маған сәйкес жаңа бағдарламалар туралы хабарлау"), en: Some("Tell me about new programmes I am eligible for") }
    Subscribed { ru: "Подписка сохранена: о новых программах сообщим здесь и по почте.", kk: Some("Жазылым сақталды: жаңа бағдарламалар туралы осында және поштамен хабарлаймыз."), en: Some("Subscribed: we will tell you about new programmes here and by e-mail.") }
    UnsubscribeTitle { ru: "Отписка от уведомлений", kk: Some("Хабарламалардан бас тарту"), en: Some("Unsubscribe from alerts") }
    UnsubscribeLead { ru: "Больше не сообщать о новых программах по этой подписке?", kk: Some("Осы жазылым бойынша жаңа бағдарламалар туралы енді хабарламау керек пе?"), en: Some("Stop telling you about new programmes for this subscription?") }
    Unsubscribed { ru: "Вы отписались. Уведомлений по этой подписке больше не будет.", kk: Some("Сіз жазылымнан бас тарттыңыз. Бұл жазылым бойынша хабарламалар енді келмейді."), en: Some("You are unsubscribed. No more alerts for this subscription.") }

    // Eligibility explanations: one line per criterion, met / not met / unknown
    ExplAgeMet { ru: "Возраст {age} — подходит ({range})", kk: Some("Жасыңыз {age} — сәйкес ({range})"), en: Some("Age {age} fits ({range})") }
    ExplAgeNotMet { ru: "Возраст {age}, а программа для возраста {range}", kk: Some("Жасыңыз {age}, ал бағдарлама {range} адамдарға арналған"), en: Some("Age {age}, the programme is for {range}") }
    ExplAgeUnknown { ru: "Возраст не указан", kk: Some("Жасыңыз көрсетілмеген"), en: Some("Age not given") }
    ExplLocationMet { ru: "{place} входит в: {area}", kk: Some("{place} мына аумаққа кіреді: {area}"), en: Some("{place} is in {area}") }
    ExplLocationNotMet { ru: "{place} не входит в территорию программы: {areas}", kk: Some("{place} бағдарлама аумағына кірмейді: {areas}"), en: Some("{place} is outside the programme's area: {areas}") }
    ExplLocationVague { ru: "Программа работает только в части территории «{place}»: {areas} — укажите населённый пункт", kk: Some("Бағдарлама «{place}» аумағының бір бөлігінде ғана жұмыс істейді: {areas} — елді мекенді көрсетіңіз"), en: Some("The programme covers only part of {place}: {areas}; name your settlement") }
    ExplLocationUnknown { ru: "Не указан населённый пункт (программа для: {areas})", kk: Some("Елді мекен көрсетілмеген (бағдарлама мыналарға арналған: {areas})"), en: Some("Settlement not given (the programme is for: {areas})") }
    ExplSectorMet { ru: "Отрасль «{sector}» подходит", kk: Some("«{sector}» саласы сәйкес"), en: Some("Sector “{sector}” fits") }
    ExplSectorNotMet { ru: "Отрасль «{sector}», а программа для: {sectors}", kk: Some("Салаңыз «{sector}», ал бағдарлама мыналарға арналған: {sectors}"), en: Some("Sector “{sector}”, the programme is for: {sectors}") }
    ExplSectorUnknown { ru: "Не указана отрасль (программа для: {sectors})", kk: Some("Сала көрсетілмеген (бағдарлама мыналарға арналған: {sectors})"), en: Some("Sector not given (the programme is for: {sectors})") }
    ExplExcludedMet { ru: "Отрасль «{sector}» не исключена", kk: Some("«{sector}» саласы шектелмеген"), en: Some("Sector “{sector}” is not excluded") }
    ExplExcludedNotMet { ru: "Программа не поддерживает отрасль «{sector}»", kk: Some("Бағдарлама «{sector}» саласын қолдамайды"), en: Some("The programme does not support “{sector}”") }
    ExplStageMet { ru: "Стадия бизнеса «{stage}» подходит", kk: Some("«{stage}» кезеңі сәйкес"), en: Some("Business stage “{stage}” fits") }
    ExplStageNotMet { ru: "Стадия бизнеса «{stage}», а программа для: {stages}", kk: Some("Бизнес кезеңі «{stage}», ал бағдарлама мыналарға арналған: {stages}"), en: Some("Business stage “{stage}”, the programme is for: {stages}") }
    ExplStageUnknown { ru: "Не указана стадия бизнеса", kk: Some("Бизнес кезеңі көрсетілмеген"), en: Some("Business stage not given") }
    ExplFormMet { ru: "Форма бизнеса «{form}» подходит", kk: Some("«{form}» нысаны сәйкес"), en: Some("Business form “{form}” fits") }
    ExplFormNotMet { ru: "Форма бизнеса «{form}», а программа для: {forms}", kk: Some("Бизнес нысаны «{form}», ал бағдарлама мыналарға арналған: {forms}"), en: Some("Business form “{form}”, the programme is for: {forms}") }
    ExplFormUnknown { ru: "Не указана форма бизнеса", kk: Some("Бизнес нысаны көрсетілмеген"), en: Some("Business form not given") }
    ExplGroupMet { ru: "Вы относитесь к группе: {group}", kk: Some("Сіз мына топқа жатасыз: {group}"), en: Some("You belong to: {group}") }
    ExplGroupNotMet { ru: "Программа для групп: {groups} — вы не относитесь ни к одной", kk: Some("Бағдарлама мына топтарға арналған: {groups} — сіз олардың ешқайсысына жатпайсыз"), en: Some("The programme is for: {groups}; you belong to none of them") }
    ExplGroupUnknown { ru: "Не указано, относитесь ли вы к группам: {groups}", kk: Some("Мына топтарға жататыныңыз көрсетілмеген: {groups}"), en: Some("Not said whether you belong to: {groups}") }
    ExplAmountMet { ru: "Сумма {amount} в пределах программы ({range})", kk: Some("{amount} сомасы бағдарлама шегінде ({range})"), en: Some("{amount} is within the programme's limits ({range})") }
    ExplAmountNotMet { ru: "Нужно {amount}, а программа даёт {range}", kk: Some("Сізге {amount} керек, ал бағдарлама {range} береді"), en: Some("You need {amount}, the programme gives {range}") }
    ExplAmountUnknown { ru: "Не указана нужная сумма", kk: Some("Қажетті сома көрсетілмеген"), en: Some("Amount needed not given") }
    ExplCollateralMet { ru: "Есть залоговое имущество", kk: Some("Кепілге қоятын мүлкіңіз бар"), en: Some("You have collateral") }
    ExplCollateralNotMet { ru: "Нет залога, а программа его требует", kk: Some("Кепіл жоқ, ал бағдарлама оны талап етеді"), en: Some("No collateral, and the programme requires it") }
    ExplCollateralUnknown { ru: "Не указано, есть ли залог", kk: Some("Кепілдің бар-жоғы көрсетілмеген"), en: Some("No collateral declared") }
    ExplCertMet { ru: "Есть сертификат {name}", kk: Some("{name} сертификаты бар"), en: Some("You hold the {name} certificate") }
    ExplCertNotMet { ru: "Нет сертификата {name}", kk: Some("{name} сертификаты жоқ"), en: Some("You do not hold the {name} certificate") }
    ExplCertUnknown { ru: "Не указано, есть ли сертификат {name}", kk: Some("{name} сертификатының бар-жоғы көрсетілмеген"), en: Some("Not said whether you hold the {name} certificate") }
    ExplBusinessAgeMet { ru: "Бизнесу {months} мес. — подходит ({range})", kk: Some("Бизнеске {months} ай — сәйкес ({range})"), en: Some("The business is {months} months old: fits ({range})") }
    ExplBusinessAgeNotMet { ru: "Бизнесу {months} мес., а программа для: {range}", kk: Some("Бизнеске {months} ай, ал бағдарлама талабы: {range}"), en: Some("The business is {months} months old, the programme wants {range}") }
    ExplBusinessAgeUnknown { ru: "Не указано, когда начат бизнес", kk: Some("Бизнестің басталған уақыты көрсетілмеген"), en: Some("Business start not given") }
    ExplEmployeesMet { ru: "Работников: {n} — подходит ({range})", kk: Some("Қызметкерлер: {n} — сәйкес ({range})"), en: Some("Employees: {n}, fits ({range})") }
    ExplEmployeesNotMet { ru: "Работников: {n}, а программа для: {range}", kk: Some("Қызметкерлер: {n}, ал бағдарлама талабы: {range}"), en: Some("Employees: {n}, the programme wants {range}") }
    ExplEmployeesUnknown { ru: "Не указано число работников", kk: Some("Қызметкерлер саны көрсетілмеген"), en: Some("Number of employees not given") }
    ExplTaxMet { ru: "Бизнес зарегистрирован ({form})", kk: Some("Бизнес тіркелген ({form})"), en: Some("The business is registered ({form})") }
    ExplTaxNotMet { ru: "Бизнес ещё не зарегистрирован, а нужна регистрация в налоговом органе", kk: Some("Бизнес әлі тіркелмеген, ал салық органында тіркелу қажет"), en: Some("The business is not registered yet; registration with the tax authority is required") }
    FixFillIn { ru: "Укажите это в профиле", kk: Some("Мұны профильде көрсетіңіз"), en: Some("Add this to your profile") }
    FixForm { ru: "Зарегистрируйте бизнес в форме: {forms}", kk: Some("Бизнесті мына нысанда тіркеңіз: {forms}"), en: Some("Register the business as: {forms}") }
    FixTax { ru: "Зарегистрируйтесь как ИП или КХ — это делается онлайн на egov.kz", kk: Some("ЖК немесе ШҚ ретінде тіркеліңіз — egov.kz арқылы онлайн"), en: Some("Register as an individual entrepreneur or a farm: online at egov.kz") }
    FixAmountAbove { ru: "Попросите не больше {max}", kk: Some("{max} аспайтын сома сұраңыз"), en: Some("Ask for at most {max}") }
    FixAmountBelow { ru: "Попросите не меньше {min}", kk: Some("Кемінде {min} сұраңыз"), en: Some("Ask for at least {min}") }
    FixCollateral { ru: "Найдите имущество для залога или программу с гарантией фонда «Даму»", kk: Some("Кепілге мүлік табыңыз немесе «Даму» қорының кепілдігі бар бағдарламаны таңдаңыз"), en: Some("Find property to pledge, or a programme with a Damu guarantee") }
    FixCertificate { ru: "Пройдите курс {name}", kk: Some("{name} курсынан өтіңіз"), en: Some("Take the {name} course") }
    RejectNotEligible { ru: "Не соответствует условиям программы", kk: Some("Бағдарлама шарттарына сәйкес келмейді"), en: Some("Does not meet the programme's conditions") }
    RejectDocuments { ru: "Документы неполные или недействительны", kk: Some("Құжаттар толық емес немесе жарамсыз"), en: Some("Documents incomplete or not valid") }
    RejectWeakPlan { ru: "Бизнес-план не обоснован", kk: Some("Бизнес-жоспар негізделмеген"), en: Some("The business plan does not hold up") }
    RejectCollateral { ru: "Недостаточно залога", kk: Some("Кепіл жеткіліксіз"), en: Some("Not enough collateral") }
    RejectBudget { ru: "Средства программы исчерпаны", kk: Some("Бағдарлама қаражаты таусылды"), en: Some("The programme's funds have run out") }
    RejectDuplicate { ru: "Повторная заявка", kk: Some("Қайталанған өтінім"), en: Some("Duplicate application") }
    RejectOther { ru: "Другая причина", kk: Some("Басқа себеп"), en: Some("Another reason") }
    BudgetWhole { ru: "весь бюджет программы", kk: Some("бағдарламаның бүкіл бюджеті"), en: Some("the programme's whole budget") }
    ErrorBudgetExceeded { ru: "Не хватает бюджета ({area}): осталось {remaining}, а одобряется {requested}. Уменьшите сумму или дождитесь пополнения.", kk: Some("Бюджет жетпейді ({area}): {remaining} қалды, ал {requested} мақұлданбақ. Соманы азайтыңыз немесе толықтыруды күтіңіз."), en: Some("Not enough budget ({area}): {remaining} left, the approval is for {requested}. Lower the amount or wait for a top-up.") }
    QueueTitle { ru: "Очередь заявок", kk: Some("Өтінімдер кезегі"), en: Some("Review queue") }
    NavQueue { ru: "Очередь заявок", kk: Some("Өтінімдер кезегі"), en: Some("Review queue") }
    QueueAssigned { ru: "Рецензент назначен.", kk: Some("Сарапшы тағайындалды."), en: Some("Reviewer assigned.") }
    QueueTotal { ru: "Заявок в выборке: {n}", kk: Some("Таңдаудағы өтінімдер: {n}"), en: Some("Applications in this view: {n}") }
    QueueCsv { ru: "Скачать CSV", kk: Some("CSV жүктеу"), en: Some("Download CSV") }
    QueueAnyProgram { ru: "Все программы", kk: Some("Барлық бағдарламалар"), en: Some("All programmes") }
    QueueOpenStates { ru: "В работе", kk: Some("Жұмыста"), en: Some("In progress") }
    QueueAllStates { ru: "Все", kk: Some("Барлығы"), en: Some("All") }
    QueueAny { ru: "Все", kk: Some("Барлығы"), en: Some("Any") }
    QueueNoRecommendation { ru: "Без рекомендации", kk: Some("Ұсынымсыз"), en: Some("No recommendation") }
    QueueAssignedMe { ru: "Мне", kk: Some("Маған"), en: Some("To me") }
    QueueUnassigned { ru: "Никому", kk: Some("Ешкімге"), en: Some("To nobody") }
    QueueSortWaiting { ru: "Дольше всех ждут", kk: Some("Ең ұзақ күткендер"), en: Some("Waiting longest") }
    QueueSortNewest { ru: "Новые", kk: Some("Жаңалары"), en: Some("Newest") }
    QueueSortAmount { ru: "По сумме", kk: Some("Сома бойынша"), en: Some("By amount") }
    QueueProgram { ru: "Программа", kk: Some("Бағдарлама"), en: Some("Programme") }
    QueueState { ru: "Статус", kk: Some("Мәртебе"), en: Some("State") }
    QueueArea { ru: "Регион, район или округ (код КАТО)", kk: Some("Облыс, аудан немесе округ (ӘАОЖ коды)"), en: Some("Region, district or okrug (KATO code)") }
    QueueRecommended { ru: "Рекомендация акимата", kk: Some("Әкімдік ұсынымы"), en: Some("Akimat's recommendation") }
    QueueAssignedTo { ru: "Назначены", kk: Some("Тағайындалған"), en: Some("Assigned") }
    QueueMinDays { ru: "В статусе не меньше, дней", kk: Some("Мәртебеде кемінде, күн"), en: Some("In state at least, days") }
    QueueSort { ru: "Порядок", kk: Some("Реті"), en: Some("Order") }
    QueueApply { ru: "Показать", kk: Some("Көрсету"), en: Some("Show") }
    QueueCounts { ru: "Заявки по статусам", kk: Some("Мәртебелер бойынша өтінімдер"), en: Some("Applications by state") }
    QueueEmpty { ru: "В этой выборке заявок нет.", kk: Some("Бұл таңдауда өтінім жоқ."), en: Some("No applications in this view.") }
    QueueDays { ru: "{n} дн.", kk: Some("{n} күн"), en: Some("{n} d") }
    QueueOverdue { ru: "дольше срока ({n} дн.)", kk: Some("мерзімнен ұзақ ({n} күн)"), en: Some("past the target ({n} d)") }
    QueueOverdueAnswer { ru: "ответ просрочен (срок {date})", kk: Some("жауап мерзімі өтті ({date})"), en: Some("answer overdue (due {date})") }
    QueuePick { ru: "Выбрать заявку № {id}", kk: Some("№ {id} өтінімді таңдау"), en: Some("Select application No. {id}") }
    QueuePickAll { ru: "Выбор", kk: Some("Таңдау"), en: Some("Select") }
    QueueApplicant { ru: "Заявитель", kk: Some("Өтініш беруші"), en: Some("Applicant") }
    QueueSettlement { ru: "Населённый пункт", kk: Some("Елді мекен"), en: Some("Settlement") }
    QueueAmount { ru: "Сумма", kk: Some("Сома"), en: Some("Amount") }
    QueueWaiting { ru: "В статусе", kk: Some("Мәртебеде"), en: Some("In state") }
    QueueReviewers { ru: "Рецензенты", kk: Some("Сарапшылар"), en: Some("Reviewers") }
    QueueAssignTo { ru: "Назначить выбранные заявки рецензенту", kk: Some("Таңдалған өтінімдерді сарапшыға тағайындау"), en: Some("Assign the selected applications to") }
    QueueAssign { ru: "Назначить", kk: Some("Тағайындау"), en: Some("Assign") }
    QueuePages { ru: "Страницы очереди", kk: Some("Кезек беттері"), en: Some("Queue pages") }
    QueuePageOf { ru: "Страница {page} из {pages}", kk: Some("{pages} беттің {page}-беті"), en: Some("Page {page} of {pages}") }
    DecisionTitle { ru: "Решение", kk: Some("Шешім"), en: Some("Decision") }
    DecisionDue { ru: "Ответить до", kk: Some("Жауап беру мерзімі"), en: Some("Answer by") }
    DecisionAmount { ru: "Одобренная сумма, ₸", kk: Some("Мақұлданған сома, ₸"), en: Some("Approved amount, ₸") }
    DecisionTerm { ru: "Срок", kk: Some("Мерзімі"), en: Some("Term") }
    DecisionMonths { ru: "{n} мес.", kk: Some("{n} ай"), en: Some("{n} months") }
    DecisionTermMonths { ru: "Срок, месяцев", kk: Some("Мерзімі, ай"), en: Some("Term, months") }
    DecisionRate { ru: "Ставка", kk: Some("Мөлшерлеме"), en: Some("Rate") }
    DecisionRatePercent { ru: "Ставка, % годовых", kk: Some("Мөлшерлеме, жылдық %"), en: Some("Rate, % a year") }
    DecisionConditions { ru: "Условия", kk: Some("Шарттар"), en: Some("Conditions") }
    DecisionRejectReason { ru: "Причина отказа", kk: Some("Бас тарту себебі"), en: Some("Reason for refusal") }
    DecisionRejectText { ru: "Пояснение для заявителя", kk: Some("Өтініш берушіге түсініктеме"), en: Some("Explanation for the applicant") }
    DecisionPaid { ru: "Выплата", kk: Some("Төлем"), en: Some("Payment") }
    DecisionPaidText { ru: "{amount}, {date}, документ {reference}", kk: Some("{amount}, {date}, құжат {reference}"), en: Some("{amount}, {date}, reference {reference}") }
    DecisionPaidOn { ru: "Дата выплаты", kk: Some("Төлем күні"), en: Some("Date paid") }
    DecisionPaidAmount { ru: "Выплаченная сумма, ₸", kk: Some("Төленген сома, ₸"), en: Some("Amount paid, ₸") }
    DecisionReference { ru: "Номер платёжного поручения", kk: Some("Төлем тапсырмасының нөмірі"), en: Some("Payment order number") }
    DeskTitle { ru: "Рабочее место рецензента", kk: Some("Сарапшының жұмыс орны"), en: Some("Review desk") }
    DeskPhone { ru: "Телефон", kk: Some("Телефон"), en: Some("Phone") }
    DeskFit { ru: "Условия программы для заявителя", kk: Some("Өтініш беруші үшін бағдарлама шарттары"), en: Some("The programme's conditions for this applicant") }
    DeskBudget { ru: "Бюджет", kk: Some("Бюджет"), en: Some("Budget") }
    DeskBudgetTotal { ru: "Всего", kk: Some("Барлығы"), en: Some("Total") }
    DeskBudgetApproved { ru: "Одобрено", kk: Some("Мақұлданды"), en: Some("Approved") }
    DeskBudgetPaid { ru: "Выплачено", kk: Some("Төленді"), en: Some("Paid") }
    DeskBudgetLeft { ru: "Осталось", kk: Some("Қалды"), en: Some("Left") }
    DeskReview { ru: "Оценка", kk: Some("Бағалау"), en: Some("Scoring") }
    DeskAssignMe { ru: "Взять на рецензию", kk: Some("Сараптамаға алу"), en: Some("Assign to me") }
    DeskUnassignMe { ru: "Снять с себя", kk: Some("Өзімнен алып тастау"), en: Some("Unassign me") }
    DeskComment { ru: "Комментарий к оценке", kk: Some("Бағаға түсініктеме"), en: Some("Comment on the score") }
    DeskScore { ru: "Сохранить оценку", kk: Some("Бағаны сақтау"), en: Some("Save score") }
    DeskAbstain { ru: "Взять самоотвод (конфликт интересов)", kk: Some("Өздігінен бас тарту (мүдделер қақтығысы)"), en: Some("Abstain (conflict of interest)") }
    DeskConflict { ru: "В чём конфликт интересов", kk: Some("Мүдделер қақтығысы неде"), en: Some("What the conflict of interest is") }
    DeskAbstained { ru: "самоотвод: {why}", kk: Some("өздігінен бас тарту: {why}"), en: Some("abstained: {why}") }
    DeskTotal { ru: "Итог (0–5)", kk: Some("Қорытынды (0–5)"), en: Some("Total (0–5)") }
    DeskMean { ru: "Среднее", kk: Some("Орташа"), en: Some("Mean") }
    DeskNotes { ru: "Заметки", kk: Some("Жазбалар"), en: Some("Notes") }
    DeskNotesHint { ru: "Видны только сотрудникам вашей организации.", kk: Some("Тек сіздің ұйымыңыздың қызметкерлеріне көрінеді."), en: Some("Seen only by your organisation's staff.") }
    DeskNote { ru: "Новая заметка", kk: Some("Жаңа жазба"), en: Some("New note") }
    DeskAddNote { ru: "Добавить заметку", kk: Some("Жазба қосу"), en: Some("Add note") }
    StatusPaused { ru: "Приём приостановлен", kk: Some("Қабылдау тоқтатыла тұр"), en: Some("Paused") }
    ErrorBelowApproved { ru: "Из этого бюджета уже одобрено {approved}: он не может быть меньше.", kk: Some("Бұл бюджеттен {approved} мақұлданып қойған: ол бұдан аз бола алмайды."), en: Some("{approved} has already been approved from this budget: it cannot be less.") }
    EdProgrammes { ru: "Программы организации", kk: Some("Ұйымның бағдарламалары"), en: Some("Our programmes") }
    NavProgrammes { ru: "Наши программы", kk: Some("Біздің бағдарламалар"), en: Some("Our programmes") }
    EdNew { ru: "Новая программа", kk: Some("Жаңа бағдарлама"), en: Some("New programme") }
    EdPublicPage { ru: "Страница программы", kk: Some("Бағдарлама беті"), en: Some("Public page") }
    EdBudgetUsed { ru: "одобрено {approved} из {total}", kk: Some("{total} ішінен {approved} мақұлданды"), en: Some("{approved} approved of {total}") }
    EdMci { ru: "МРП", kk: Some("АЕК"), en: Some("MCI") }
    EdMin { ru: "От", kk: Some("Бастап"), en: Some("From") }
    EdMax { ru: "До", kk: Some("Дейін"), en: Some("To") }
    EdKatoCodes { ru: "Коды КАТО через пробел", kk: Some("ӘАОЖ кодтары бос орын арқылы"), en: Some("KATO codes, separated by spaces") }
    EdAmountUnit { ru: "Единица суммы", kk: Some("Сома бірлігі"), en: Some("Amount unit") }
    EdCritAge { ru: "Возраст заявителя, лет", kk: Some("Өтініш берушінің жасы, жыл"), en: Some("Applicant's age, years") }
    EdCritLocation { ru: "Бизнес находится на территории", kk: Some("Бизнес аумақта орналасқан"), en: Some("Business located within") }
    EdCritSectorIn { ru: "Только эти отрасли", kk: Some("Тек осы салалар"), en: Some("Only these sectors") }
    EdCritExcludedSectors { ru: "Кроме этих отраслей", kk: Some("Осы салалардан басқа"), en: Some("Except these sectors") }
    EdCritStage { ru: "Стадия бизнеса", kk: Some("Бизнес кезеңі"), en: Some("Business stage") }
    EdCritLegalForm { ru: "Форма бизнеса", kk: Some("Бизнес нысаны"), en: Some("Legal form") }
    EdCritGroups { ru: "Заявитель из одной из групп", kk: Some("Өтініш беруші топтардың бірінен"), en: Some("Applicant in one of these groups") }
    EdCritAmount { ru: "Запрашиваемая сумма", kk: Some("Сұралатын сома"), en: Some("Amount asked for") }
    EdCritCollateral { ru: "Есть залоговое имущество", kk: Some("Кепіл мүлкі бар"), en: Some("Has collateral") }
    EdCritCertificate { ru: "Есть сертификат", kk: Some("Сертификаты бар"), en: Some("Holds a certificate") }
    EdCritBusinessAge { ru: "Возраст бизнеса, месяцев", kk: Some("Бизнестің жасы, ай"), en: Some("Business age, months") }
    EdCritEmployees { ru: "Работников", kk: Some("Қызметкерлер саны"), en: Some("Employees") }
    EdCritTax { ru: "Зарегистрирован в налоговом органе", kk: Some("Салық органында тіркелген"), en: Some("Registered for tax") }
    EdCriteriaHint { ru: "Отметьте условия, которые проверяет программа. Движок объяснит каждому предпринимателю, подходит ли он и почему.", kk: Some("Бағдарлама тексеретін шарттарды белгілеңіз. Жүйе әр кәсіпкерге сәйкес келетінін және неліктен екенін түсіндіреді."), en: Some("Tick the conditions the programme checks. The engine explains to every entrepreneur whether they fit, and why.") }
    EdRubric { ru: "Критерии оценки", kk: Some("Бағалау өлшемдері"), en: Some("Scoring rubric") }
    EdRubricHint { ru: "Каждый рецензент ставит по каждому критерию от 0 до 5; итог — взвешенное среднее. Описания баллов — по строке на балл, от 0 до 5.", kk: Some("Әр сарапшы әр өлшем бойынша 0-ден 5-ке дейін қояды; қорытынды — салмақты орташа. Балл сипаттамалары — әр баллға бір жол, 0-ден 5-ке дейін."), en: Some("Each reviewer scores every criterion from 0 to 5; the total is the weighted mean. Describe the scores one line each, 0 to 5.") }
    EdRubricRow { ru: "Критерий {n}", kk: Some("{n}-өлшем"), en: Some("Criterion {n}") }
    EdRubricKey { ru: "Код (латиницей)", kk: Some("Коды (латынша)"), en: Some("Key (Latin letters)") }
    EdRubricWeight { ru: "Вес", kk: Some("Салмағы"), en: Some("Weight") }
    EdNameRu { ru: "Название по-русски", kk: Some("Орысша атауы"), en: Some("Name in Russian") }
    EdNameKk { ru: "Название по-казахски", kk: Some("Қазақша атауы"), en: Some("Name in Kazakh") }
    EdLevelsRu { ru: "Что значит каждый балл (по-русски)", kk: Some("Әр балл нені білдіреді (орысша)"), en: Some("What each score means (Russian)") }
    EdLevelsKk { ru: "Что значит каждый балл (по-казахски)", kk: Some("Әр балл нені білдіреді (қазақша)"), en: Some("What each score means (Kazakh)") }
    EdBudgetRegion { ru: "Регион", kk: Some("Өңір"), en: Some("Region") }
    EdBudgetRegionTotal { ru: "Выделено региону, ₸", kk: Some("Өңірге бөлінді, ₸"), en: Some("Set aside for the region, ₸") }
    EdBudgetTotal { ru: "Бюджет программы, ₸", kk: Some("Бағдарлама бюджеті, ₸"), en: Some("Programme budget, ₸") }
    EdBasics { ru: "Основное", kk: Some("Негізгі"), en: Some("Basics") }
    EdSlug { ru: "Адрес страницы (латиницей, через дефис)", kk: Some("Бет мекенжайы (латынша, сызықша арқылы)"), en: Some("Page address (Latin letters and hyphens)") }
    EdKind { ru: "Вид поддержки", kk: Some("Қолдау түрі"), en: Some("Kind of support") }
    EdTitleRu { ru: "Название по-русски", kk: Some("Орысша атауы"), en: Some("Title in Russian") }
    EdTitleKk { ru: "Название по-казахски", kk: Some("Қазақша атауы"), en: Some("Title in Kazakh") }
    EdSummaryRu { ru: "Кратко по-русски", kk: Some("Қысқаша орысша"), en: Some("Summary in Russian") }
    EdSummaryKk { ru: "Кратко по-казахски", kk: Some("Қысқаша қазақша"), en: Some("Summary in Kazakh") }
    EdDescriptionRu { ru: "Описание по-русски", kk: Some("Орысша сипаттамасы"), en: Some("Description in Russian") }
    EdDescriptionKk { ru: "Описание по-казахски", kk: Some("Қазақша сипаттамасы"), en: Some("Description in Kazakh") }
    EdAmountMin { ru: "Сумма от", kk: Some("Сома бастап"), en: Some("Amount from") }
    EdAmountMax { ru: "Сумма до", kk: Some("Сома дейін"), en: Some("Amount up to") }
    EdRateMin { ru: "Ставка от, %", kk: Some("Мөлшерлеме бастап, %"), en: Some("Rate from, %") }
    EdRateMax { ru: "Ставка до, %", kk: Some("Мөлшерлеме дейін, %"), en: Some("Rate up to, %") }
    EdFee { ru: "Комиссия, %", kk: Some("Комиссия, %"), en: Some("Fee, %") }
    EdTerm { ru: "Срок до, месяцев", kk: Some("Мерзімі дейін, ай"), en: Some("Term up to, months") }
    EdGrace { ru: "Льготный период до, месяцев", kk: Some("Жеңілдік кезеңі дейін, ай"), en: Some("Grace period up to, months") }
    EdCollateralNoteRu { ru: "О залоге по-русски", kk: Some("Кепіл туралы орысша"), en: Some("On collateral, in Russian") }
    EdCollateralNoteKk { ru: "О залоге по-казахски", kk: Some("Кепіл туралы қазақша"), en: Some("On collateral, in Kazakh") }
    EdWhere { ru: "Где и для кого", kk: Some("Қайда және кімге"), en: Some("Where and for whom") }
    EdLocations { ru: "Территории (коды КАТО через пробел; пусто — вся страна)", kk: Some("Аумақтар (ӘАОЖ кодтары бос орын арқылы; бос — бүкіл ел)"), en: Some("Places (KATO codes, spaces between; empty: the whole country)") }
    EdIntakeOpens { ru: "Приём с", kk: Some("Қабылдау басталады"), en: Some("Intake opens") }
    EdDeadline { ru: "Приём до", kk: Some("Қабылдау аяқталады"), en: Some("Intake closes") }
    EdTargetDays { ru: "Срок решения, дней", kk: Some("Шешім мерзімі, күн"), en: Some("Days to a decision") }
    EdHowRu { ru: "Как подать, по-русски (шаг на строку)", kk: Some("Қалай беру керек, орысша (әр қадам жаңа жолдан)"), en: Some("How to apply, in Russian (a step per line)") }
    EdHowKk { ru: "Как подать, по-казахски (шаг на строку)", kk: Some("Қалай беру керек, қазақша (әр қадам жаңа жолдан)"), en: Some("How to apply, in Kazakh (a step per line)") }
    EdDocuments { ru: "Документы (по строке: «по-русски | по-казахски»)", kk: Some("Құжаттар (әр жолға: «орысша | қазақша»)"), en: Some("Documents (a line each: \"Russian | Kazakh\")") }
    EdSourceUrl { ru: "Источник (ссылка https://)", kk: Some("Дереккөз (https:// сілтемесі)"), en: Some("Source (https:// link)") }
    EdSourceName { ru: "Название источника", kk: Some("Дереккөз атауы"), en: Some("Source name") }
    EdSave { ru: "Сохранить", kk: Some("Сақтау"), en: Some("Save") }
    EdPublish { ru: "Опубликовать", kk: Some("Жариялау"), en: Some("Publish") }
    EdPause { ru: "Приостановить приём", kk: Some("Қабылдауды тоқтата тұру"), en: Some("Pause") }
    EdClose { ru: "Закрыть", kk: Some("Жабу"), en: Some("Close") }
    EdPreview { ru: "Этим условиям отвечают {eligible} из {profiles} зарегистрированных предпринимателей; ещё {possible} могут подойти, если заполнят профиль.", kk: Some("Бұл шарттарға {profiles} тіркелген кәсіпкердің {eligible}-і сәйкес келеді; тағы {possible}-і профилін толтырса, сәйкес келуі мүмкін."), en: Some("{eligible} of {profiles} registered entrepreneurs meet these conditions; {possible} more might, once they complete their profile.") }
    EdVersions { ru: "История изменений", kk: Some("Өзгерістер тарихы"), en: Some("History of changes") }
    EdSaved { ru: "Сохранено. Поиск обновится в течение нескольких секунд.", kk: Some("Сақталды. Іздеу бірнеше секундта жаңарады."), en: Some("Saved. Search updates within seconds.") }
    EdStatusChanged { ru: "Статус программы изменён.", kk: Some("Бағдарлама мәртебесі өзгертілді."), en: Some("The programme's status changed.") }
    EdPreviewNew { ru: "Отметьте условия — здесь появится, сколько зарегистрированных предпринимателей им отвечают.", kk: Some("Шарттарды белгілеңіз — мұнда оларға қанша тіркелген кәсіпкер сәйкес келетіні шығады."), en: Some("Tick conditions: how many registered entrepreneurs meet them shows here.") }
    AppDocView { ru: "открыть", kk: Some("ашу"), en: Some("view") }
    ResultsCorrected { ru: "По запросу «{typed}» ничего не нашлось. Показаны результаты по запросу «{query}»: похоже, он набран в другой раскладке клавиатуры.", kk: Some("«{typed}» сұрауы бойынша ештеңе табылмады. «{query}» сұрауының нәтижелері көрсетілген: ол пернетақтаның басқа тілінде терілген сияқты."), en: Some("Nothing matched “{typed}”. Showing results for “{query}”: it looks typed with the other keyboard layout on.") }
    MailResetSubject { ru: "Ауыл Бизнес: смена пароля", kk: Some("Ауыл Бизнес: құпиясөзді ауыстыру"), en: Some("Auyl Business: changing your password") }
    MailResetBody { ru: "Чтобы задать новый пароль, откройте ссылку (она действует 1 час):\n{link}\n\nЕсли вы не просили сменить пароль, ничего не делайте: пароль останется прежним.", kk: Some("Жаңа құпиясөз орнату үшін сілтемені ашыңыз (ол 1 сағат жарамды):\n{link}\n\nЕгер құпиясөзді ауыстыруды сұрамаған болсаңыз, ештеңе істемеңіз: құпиясөз өзгермейді."), en: Some("To set a new password, open this link (it works for 1 hour):\n{link}\n\nIf you did not ask to change your password, do nothing: it stays as it is.") }
    MailConsentSubject { ru: "Согласие на заявку", kk: Some("Өтінімге келісім"), en: Some("Consent to an application") }
    MailConsentBody { ru: "Код {code}. Сообщите его сотруднику акимата ({name}), только если согласны, чтобы он подал заявку от вашего имени. Код действует {minutes} минут.", kk: Some("Код {code}. Әкімдік қызметкері ({name}) сіздің атыңыздан өтінім беруіне келіссеңіз ғана, кодты оған айтыңыз. Код {minutes} минут жарамды."), en: Some("Code {code}. Give it to the akimat's officer ({name}) only if you agree that they file an application in your name. The code works for {minutes} minutes.") }
    MailFiledSubject { ru: "Заявка №{id} подана от вашего имени", kk: Some("№{id} өтінім сіздің атыңыздан берілді"), en: Some("Application No. {id} was filed in your name") }
    MailFiledBody { ru: "Акимат ({staff}) начал заявку №{id} на программу «{program}» от вашего имени, с вашего согласия. Обо всех шагах по ней вам будут приходить сообщения.\n{how}", kk: Some("Әкімдік ({staff}) сіздің келісіміңізбен, сіздің атыңыздан «{program}» бағдарламасына №{id} өтінімді бастады. Оның әр қадамы туралы сізге хабар келеді.\n{how}"), en: Some("The akimat ({staff}) started application No. {id} to “{program}” in your name, with your consent. You will get a message at every step.\n{how}") }
    MailFiledClaim { ru: "Чтобы видеть заявку и действовать самому, задайте пароль: {link} (ссылка действует {days} дней; потом — «Забыли пароль?» при входе с этим номером).", kk: Some("Өтінімді көріп, өзіңіз әрекет ету үшін құпиясөз орнатыңыз: {link} (сілтеме {days} күн жарамды; кейін — осы нөмірмен кіргенде «Құпиясөзді ұмыттыңыз ба?»)."), en: Some("To see the application and act on it yourself, set a password: {link} (the link works for {days} days; after that, use “Forgot your password?” when signing in with this number).") }
    MailFiledLink { ru: "Заявка: {link}", kk: Some("Өтінім: {link}"), en: Some("Application: {link}") }
    ErrorCannotSave { ru: "Сейчас изменения не сохраняются: на сервере закончилось место или база данных доступна только для чтения. Ничего не сохранено — повторите через несколько минут; просмотр и поиск работают.", kk: Some("Қазір өзгерістер сақталмайды: серверде орын таусылды немесе дерекқор тек оқуға ашық. Ештеңе сақталған жоқ — бірнеше минуттан кейін қайталаңыз; қарау мен іздеу жұмыс істейді."), en: Some("Changes cannot be saved right now: the server is out of space or its database is read-only. Nothing was saved — try again in a few minutes; browsing and search still work.") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_prefers_the_highest_q_value() {
        let cases = [
            ("kk-KZ,kk;q=0.9,ru;q=0.8", Some(Lang::Kk)),
            ("ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7", Some(Lang::Ru)),
            ("de-DE,de;q=0.9,en;q=0.5", Some(Lang::En)),
            ("en;q=0.4,ru;q=0.6", Some(Lang::Ru)),
            ("fr,de", None),
            ("kk;q=0, ru;q=0.1", Some(Lang::Ru)),
            ("", None),
        ];
        for (header, expected) in cases {
            assert_eq!(
                Lang::from_accept_language(header),
                expected,
                "failed for {header}"
            );
        }
    }

    #[test]
    fn russian_plural_forms_follow_the_last_digits() {
        let cases = [
            (1, "Найдена 1 программа"),
            (2, "Найдено 2 программы"),
            (5, "Найдено 5 программ"),
            (11, "Найдено 11 программ"),
            (21, "Найдена 21 программа"),
            (22, "Найдено 22 программы"),
            (112, "Найдено 112 программ"),
            (1001, "Найдена 1\u{202f}001 программа"),
        ];
        for (n, expected) in cases {
            assert_eq!(
                tn(Lang::Ru, Msg::ResultsCount, n),
                expected,
                "failed for {n}"
            );
        }
        assert_eq!(tn(Lang::En, Msg::ResultsCount, 1), "1 programme found");
        assert_eq!(tn(Lang::En, Msg::ResultsCount, 3), "3 programmes found");
        assert_eq!(tn(Lang::Kk, Msg::ResultsCount, 3), "3 бағдарлама табылды");
    }

    #[test]
    fn dates_use_each_language_s_month_names() {
        let d = chrono::NaiveDate::from_ymd_opt(2027, 6, 30).expect("date");
        assert_eq!(format_date(Lang::Ru, d), "30\u{a0}июня\u{a0}2027\u{a0}г.");
        assert_eq!(format_date(Lang::Kk, d), "2027\u{a0}жылғы 30\u{a0}маусым");
        assert_eq!(format_date(Lang::En, d), "30\u{a0}June\u{a0}2027");
    }

    #[test]
    fn placeholders_are_filled() {
        let text = tf(Lang::Ru, Msg::ErrorPageRange, &[("max", "500")]);
        assert_eq!(text, "Номер страницы должен быть от 1 до 500.");
    }

    #[test]
    fn every_message_is_translated() {
        let missing: Vec<String> = Msg::ALL
            .iter()
            .flat_map(|m| {
                let kk = m.kk().is_none().then(|| format!("{m:?} (kk)"));
                let en = m.en().is_none().then(|| format!("{m:?} (en)"));
                kk.into_iter().chain(en)
            })
            .collect();
        assert!(missing.is_empty(), "untranslated messages: {missing:?}");
    }

    #[test]
    fn plural_forms_agree_in_count_across_languages() {
        // A counted message must have a form for every category its language uses.
        for msg in [Msg::ResultsCount, Msg::FactTerm, Msg::FactGrace] {
            assert_eq!(t(Lang::Ru, msg).split('|').count(), 3, "{msg:?} ru");
            assert_eq!(t(Lang::En, msg).split('|').count(), 2, "{msg:?} en");
            assert_eq!(t(Lang::Kk, msg).split('|').count(), 1, "{msg:?} kk");
        }
    }
}
