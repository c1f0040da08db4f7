//! Tests of the whole stage on records made here.

use super::*;
use jtbd_model::{Force, Role};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The stage's findings on `records` held in memory, checked to be what the same records give
/// spilled to a file (each body written as soon as it comes, so every read goes to the file).
pub(crate) fn find(
    records: &[Record],
    k: &Knowledge,
    codebook: &Codebook,
    min_interviewees: usize,
) -> Findings {
    let memory = super::find(
        &Records::new(records.to_vec()),
        k,
        codebook,
        min_interviewees,
    )
    .unwrap();
    let mut spilled = Records::spilled(tempfile::tempfile().unwrap());
    spilled.flush_at(0);
    for r in records {
        spilled.push(r.clone()).unwrap();
    }
    let from_file = super::find(&spilled, k, codebook, min_interviewees).unwrap();
    assert_eq!(from_file, memory, "spilled records give other findings");
    memory
}

/// A record of `who` at `company` whose signals are `said` (force, sentence), one turn each.
fn record(who: &str, company: &str, role: &str, said: &[(Force, &str)]) -> Record {
    let mut metadata = BTreeMap::new();
    metadata.insert("company".to_owned(), company.to_owned());
    metadata.insert("role".to_owned(), role.to_owned());
    let mut offset = 0;
    let said = said
        .iter()
        .enumerate()
        .map(|(i, (force, text))| {
            let q = Quote {
                text: (*text).into(),
                speaker: Some(who.into()),
                role: Role::Interviewee,
                line: i * 2 + 1,
                byte_start: offset,
                byte_end: offset + text.len(),
                timestamp: None,
            };
            offset += text.len() + 1;
            Said {
                force: *force,
                confidence: 0.7,
                quote: Arc::new(q),
                turn: i * 2 + 1,
                sentence: 0,
                cues: Box::default(),
                before: None,
                earlier: Box::default(),
                later: Box::default(),
                after: None,
            }
        })
        .collect();
    Record {
        id: who.to_lowercase(),
        path: format!("{who}.txt"),
        interviewee: who.to_owned(),
        interview: 0,
        metadata: metadata.into(),
        said,
        voices: Vec::new(),
    }
}

/// The first story of the theme labelled `label`.
fn story_of<'a>(f: &'a Findings, label: &str) -> &'a Story {
    let i = f
        .themes
        .iter()
        .position(|t| t.label == label)
        .unwrap_or_else(|| panic!("no theme {label}"));
    f.stories
        .iter()
        .find(|s| s.theme == i)
        .unwrap_or_else(|| panic!("no story in {label}: {:#?}", f.stories))
}

fn codebook() -> Codebook {
    Codebook::embedded().unwrap_or_else(|e| panic!("{e}"))
}

fn sample() -> Vec<Record> {
    use Force::*;
    vec![
        record(
            "Ana",
            "Bank A",
            "CISO",
            &[
                (Anxiety, "I'm worried that a partner account gets breached."),
                (
                    DesiredProgress,
                    "We need one place to see every partner account.",
                ),
                (
                    Frustration,
                    "Every time an auditor asks, we export the audit evidence by hand.",
                ),
            ],
        ),
        record(
            "Ben",
            "Insurer B",
            "CISO",
            &[
                (
                    Frustration,
                    "Honestly, our audit evidence takes weeks to collect.",
                ),
                (
                    DesiredProgress,
                    "I want to keep audit evidence in one system so that we can answer auditors the same day.",
                ),
            ],
        ),
        record(
            "Cy",
            "Retailer C",
            "CTO",
            &[
                (Frustration, "Our partner account reviews are a mess."),
                (DesiredProgress, "We want fewer vendors."),
            ],
        ),
        record(
            "Eve",
            "Shop E",
            "CTO",
            &[(
                Frustration,
                "Every partner account still lives in a spreadsheet.",
            )],
        ),
        record(
            "Di",
            "School D",
            "IT director",
            &[(
                DesiredProgress,
                "We want a laptop fleet that patches itself.",
            )],
        ),
    ]
}

#[test]
fn themes_rest_on_several_interviewees_and_are_named_in_their_words() {
    let k = Knowledge::embedded().unwrap();
    let f = find(&sample(), &k, &codebook(), 2);
    let labels: Vec<&str> = f.themes.iter().map(|t| t.label.as_str()).collect();
    // The codebook names what it knows; a phrase several interviewees share names the rest.
    assert_eq!(
        labels,
        ["partner account", "compliance and audit readiness"]
    );
    assert_eq!(f.themes[0].origin, Origin::Emergent);
    assert!(
        f.themes[0].definition.contains("\"partner account\""),
        "{:?}",
        f.themes[0]
    );
    assert!(matches!(f.themes[1].origin, Origin::Codebook(_)));
    assert_eq!(f.themes[1].id, "compliance-audit");
    for t in &f.themes {
        assert!(t.strength.interviewees >= 2, "{t:?}");
    }
    // Di alone spoke of laptops, Cy alone of vendors: no theme rests on one person.
    assert!(
        !labels
            .iter()
            .any(|l| l.contains("laptop") || l.contains("vendor")),
        "{labels:?}"
    );
}

#[test]
fn without_a_codebook_themes_are_the_shared_phrases() {
    let k = Knowledge::embedded().unwrap();
    let f = find(&sample(), &k, &Codebook::default(), 2);
    let labels: Vec<&str> = f.themes.iter().map(|t| t.label.as_str()).collect();
    assert_eq!(labels, ["partner account", "audit evidence"]);
}

#[test]
fn a_story_is_one_interviewees_passage_and_gaps_stay_gaps() {
    let k = Knowledge::embedded().unwrap();
    let records = sample();
    let f = find(&records, &k, &codebook(), 2);
    let story = story_of(&f, "compliance and audit readiness");
    assert_eq!(records[story.record].interviewee, "Ben");
    assert_eq!(
        story.text,
        "When our audit evidence takes weeks to collect, I want to keep audit evidence in one system, so I can answer auditors the same day."
    );
    assert!(story.gaps().is_empty());
    for slot in Slot::ALL {
        let d = story.slot(slot).unwrap();
        assert_eq!(d.evidence.record, story.record, "{d:?}");
        assert!(
            d.evidence.quote.text.contains(&d.text) || slot == Slot::Motivation,
            "{d:?}"
        );
    }
    // Ana's worry is her situation; no outcome of hers is said: a gap, not Cy's or Eve's words.
    let story = story_of(&f, "partner account");
    assert_eq!(records[story.record].interviewee, "Ana");
    assert_eq!(story.gaps(), [Slot::Outcome]);
    assert_eq!(
        story.text,
        "When I'm worried that a partner account gets breached, I want to see every partner account in one place, so I can [no evidence: outcome]."
    );
    assert_eq!(f.themes[0].tellers, 1);
    // Every story of every theme quotes one person only.
    for s in &f.stories {
        for d in Slot::ALL.iter().filter_map(|slot| s.slot(*slot)) {
            assert_eq!(d.evidence.record, s.record);
        }
    }
}

#[test]
fn a_fear_followed_by_a_want_of_the_same_speaker_is_a_chain() {
    let k = Knowledge::embedded().unwrap();
    let records = Records::new(sample());
    let (scanned, count) = crate::scan::scan(&records, &k, &codebook()).unwrap();
    let mut chains = Vec::new();
    for (ri, r) in records.heads().iter().enumerate() {
        let causal = |said| scanned.of(SignalRef { record: ri, said }).causal;
        crate::draft::record_chains(r, ri, causal, &k, &mut chains);
    }
    assert_eq!(chains.len(), count);
    let ana = &chains.iter().find(|c| c.from.record == 0).unwrap();
    assert_eq!((ana.from.said, ana.to.said), (0, 1));
    assert_eq!(ana.link, "next turn");
}

#[test]
fn executor_and_beneficiary_come_from_who_the_quotes_speak_of() {
    let k = Knowledge::embedded().unwrap();
    let f = find(&sample(), &k, &codebook(), 2);
    let story = story_of(&f, "compliance and audit readiness");
    assert_eq!(
        story.executor.as_ref().unwrap().name,
        "the interviewee's team"
    );
    assert_eq!(
        story.beneficiary.as_ref().unwrap().name,
        "regulators and auditors"
    );
}

#[test]
fn segments_have_a_poster_child_a_profile_and_language() {
    let k = Knowledge::embedded().unwrap();
    let f = find(&sample(), &k, &codebook(), 2);
    // Ana, Cy and Eve struggle with partner accounts whatever their titles; Ben only with the
    // audit, alone.
    let members: Vec<&[String]> = f.segments.iter().map(|s| &s.members[..]).collect();
    assert_eq!(members, [["Ana", "Cy", "Eve"]], "{:#?}", f.segments);
    let s = &f.segments[0];
    // Its struggles are what most of them speak to: partner accounts (all three), not the audit
    // evidence only Ana speaks of.
    let struggles: Vec<&str> = s.themes.iter().map(|&t| f.themes[t].id.as_str()).collect();
    assert_eq!(struggles, ["partner-account"], "{:#?}", f.themes);
    assert_eq!(s.poster_child, "Cy");
    assert!(!s.poster_quotes.is_empty());
    assert!(s.cohesion > 0.9 && s.cohesion <= 1.0, "{}", s.cohesion);
    // A CISO and two CTOs: their metadata share nothing.
    assert!(s.profile.is_empty(), "{:?}", s.profile);
    assert!(
        s.language
            .iter()
            .any(|(p, n)| p == "partner account" && *n == 3),
        "{:?}",
        s.language
    );
}

#[test]
fn a_segments_struggles_are_what_most_of_its_members_speak_to() {
    use Force::*;
    // Ana and Bo struggle with partner accounts; only Ana (one of two) with audit evidence, which
    // she shares with Cal, who is in no segment.
    let records = vec![
        record(
            "Ana",
            "Bank A",
            "CISO",
            &[
                (Frustration, "Our partner account reviews are a mess."),
                (
                    Frustration,
                    "Every partner account still lives in a spreadsheet.",
                ),
                (Frustration, "Our audit evidence takes weeks to collect."),
            ],
        ),
        record(
            "Bo",
            "Insurer B",
            "CTO",
            &[(Frustration, "Each partner account is reviewed by hand.")],
        ),
        record(
            "Cal",
            "Shop C",
            "CTO",
            &[(Frustration, "The audit evidence lives in email threads.")],
        ),
    ];
    let k = Knowledge::embedded().unwrap();
    let f = find(&records, &k, &codebook(), 2);
    let labels: Vec<&str> = f.themes.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(f.segments.len(), 1, "{labels:?} {:#?}", f.segments);
    let s = &f.segments[0];
    assert_eq!(s.members, ["Ana", "Bo"]);
    let struggles: Vec<&str> = s.themes.iter().map(|&t| f.themes[t].id.as_str()).collect();
    assert_eq!(struggles, ["partner-account"], "{labels:?}");

    // When Bo speaks of audit evidence too, both are shared; `struggles` keeps the first.
    let mut records = records;
    records[1] = record(
        "Bo",
        "Insurer B",
        "CTO",
        &[
            (Frustration, "Each partner account is reviewed by hand."),
            (
                Frustration,
                "Our audit evidence is a folder of screenshots.",
            ),
        ],
    );
    let shared = |k: &Knowledge| {
        let f = find(&records, k, &codebook(), 2);
        let s = &f.segments[0];
        let ids: Vec<String> = s.themes.iter().map(|&t| f.themes[t].id.clone()).collect();
        ids
    };
    let all = shared(&k);
    assert_eq!(all.len(), 2, "{all:?}");
    let mut one = Knowledge::embedded().unwrap();
    one.struggles = 1;
    assert_eq!(shared(&one), all[..1]);
}

#[test]
fn the_same_records_give_the_same_findings() {
    let k = Knowledge::embedded().unwrap();
    assert_eq!(
        find(&sample(), &k, &codebook(), 2),
        find(&sample(), &k, &codebook(), 2)
    );
}

/// Records enough for the scan to slice them: words come back in a different order in each, so
/// each slice meets the vocabulary in its own order.
fn many() -> Vec<Record> {
    use Force::*;
    let words = [
        "ledger", "rollout", "badge", "vendor", "pager", "audit", "export", "budget", "ticket",
        "quarter", "backlog", "renewal",
    ];
    (0..300)
        .map(|i| {
            let w = |k: usize| words[(i * 7 + k * 5) % words.len()];
            let said = [
                format!("We worry the {} {} slips every quarter.", w(0), w(1)),
                format!("I hate chasing the {} {} by hand.", w(2), w(3)),
                format!("I want the {} {} done before the board meets.", w(1), w(4)),
            ];
            record(
                &format!("Person{i}"),
                &format!("Co{}", i % 40),
                ["CISO", "CTO", "CIO"][i % 3],
                &[
                    (Anxiety, &said[0]),
                    (Frustration, &said[1]),
                    (DesiredProgress, &said[2]),
                ],
            )
        })
        .collect()
}

#[test]
fn the_findings_do_not_depend_on_the_number_of_threads() {
    let k = Knowledge::embedded().unwrap();
    let records = many();
    let on = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| find(&records, &k, &codebook(), 2))
    };
    let one = on(1);
    assert!(one.themes.len() >= 3, "{:#?}", one.themes);
    assert_eq!(one, on(3));
    assert_eq!(one, on(8));
}

#[test]
fn past_the_clustering_limit_the_rest_join_the_nearest_segment() {
    let mut k = Knowledge::embedded().unwrap();
    let all = find(&sample(), &k, &codebook(), 2);
    // Clustered: Ana, Ben and Cy (the most themed signals); Eve joins the segment she is like.
    k.max_clustered = 3;
    let sampled = find(&sample(), &k, &codebook(), 2);
    let members = |f: &Findings| -> Vec<Vec<String>> {
        f.segments.iter().map(|s| s.members.clone()).collect()
    };
    assert_eq!(members(&sampled), members(&all));
    assert_eq!(members(&all), [["Ana", "Cy", "Eve"]]);
}

/// A want that no theme holds tells no theme's story, even said in the same answer as one of the
/// theme's signals (such wants filed a car purchase under cloud cost): every story's motivation
/// is one of its own theme's signals.
#[test]
fn a_story_is_told_by_its_own_themes_want() {
    let k = Knowledge::embedded().unwrap();
    let mut records = sample();
    // Eve goes on, in the same answer as her partner-account pain, with a want in no theme's
    // words.
    let eve = records.iter_mut().find(|r| r.interviewee == "Eve").unwrap();
    let mut want = eve.said[0].clone();
    want.force = Force::DesiredProgress;
    let quote = Arc::make_mut(&mut want.quote);
    quote.text = "We want to finish that cleanup within a single afternoon.".into();
    quote.byte_start = eve.said[0].quote.byte_end + 1;
    quote.byte_end = quote.byte_start + quote.text.len();
    want.sentence = 1;
    eve.said.push(want);
    let f = find(&records, &k, &codebook(), 2);
    assert!(!f.stories.is_empty());
    for story in &f.stories {
        let m = story.motivation.as_ref().unwrap();
        let theme = &f.themes[story.theme];
        let own = theme.signals.iter().any(|s| {
            s.record == story.record
                && records[s.record].said[s.said].quote.byte_start == m.evidence.quote.byte_start
        });
        assert!(own, "{:?} under {}", m.text, theme.label);
        assert_ne!(m.text, "finish that cleanup within a single afternoon");
    }
}

/// A theme's evidence is ranked once, by the stage: each interviewee's strongest quote before
/// anyone's second, every quote one of the theme's signals, no sentence twice, none left out.
#[test]
fn theme_evidence_puts_each_interviewees_strongest_first() {
    let k = Knowledge::embedded().unwrap();
    let mut records = sample();
    // Every signal its own strength, so that the order says something.
    let mut strength = 0.3;
    for said in records.iter_mut().flat_map(|r| r.said.iter_mut()) {
        strength += 0.013;
        said.confidence = if strength > 0.9 {
            strength - 0.55
        } else {
            strength
        };
    }
    let f = find(&records, &k, &codebook(), 2);
    assert!(!f.themes.is_empty());
    for t in &f.themes {
        let said = |r: &SignalRef| &records[r.record].said[r.said];
        let who = |r: &SignalRef| records[r.record].interviewee.as_str();
        let people: std::collections::BTreeSet<&str> = t.signals.iter().map(|r| who(&r)).collect();
        let firsts: std::collections::BTreeSet<&str> = t
            .evidence
            .iter()
            .take(people.len())
            .map(|r| who(&r))
            .collect();
        assert_eq!(firsts, people, "{}", t.label);
        let sentences: std::collections::BTreeSet<_> = t
            .signals
            .iter()
            .map(|r| (r.record, said(&r).turn, said(&r).sentence))
            .collect();
        assert_eq!(t.evidence.len(), sentences.len(), "{}", t.label);
        assert!(t.evidence.iter().all(|r| t.signals.contains(&r)));
        // The first of each interviewee is their strongest, and the strongest of those leads.
        for first in t.evidence.iter().take(people.len()) {
            let best = t
                .signals
                .iter()
                .filter(|r| who(r) == who(&first))
                .map(|r| said(&r).confidence)
                .fold(f64::MIN, f64::max);
            assert_eq!(said(&first).confidence, best, "{}", t.label);
        }
        let evidence: Vec<SignalRef> = t.evidence.iter().collect();
        for pair in evidence[..people.len()].windows(2) {
            assert!(said(&pair[0]).confidence > said(&pair[1]).confidence);
        }
        for pair in evidence[people.len()..].windows(2) {
            assert!(said(&pair[0]).confidence > said(&pair[1]).confidence);
        }
    }
}

#[test]
fn a_quote_that_promotes_the_speakers_company_or_voices_someone_is_quoted_last() {
    let k = Knowledge::embedded().unwrap();
    let mut records = sample();
    let ben = &mut records[1];
    // Another sentence of Ben's, like his first, at line `line` (and as far into the file).
    let like = ben.said[0].clone();
    let said_at = |text: &str, line: usize, confidence: f64| {
        let mut said = like.clone();
        said.quote = Arc::new(Quote {
            text: text.into(),
            byte_start: line * 100,
            byte_end: line * 100 + text.len(),
            line,
            ..(*like.quote).clone()
        });
        said.turn = line;
        said.confidence = confidence;
        said
    };
    let text = "Our product gathers the audit evidence for you, so talk to us.";
    // And a customer's words acted out: someone else's, not Ben's.
    let acted = "Then the auditor says \"we need the audit evidence by Friday\".";
    ben.said.push(said_at(text, 40, 0.99));
    ben.said.push(said_at(acted, 42, 0.98));
    let f = find(&records, &k, &codebook(), 2);
    let audit = f
        .themes
        .iter()
        .find(|t| t.id == "compliance-audit")
        .expect("the audit theme");
    let text_of = |r: &SignalRef| records[r.record].said[r.said].quote.text.as_ref();
    let order: Vec<&str> = audit.evidence.iter().map(|r| text_of(&r)).collect();
    assert!(order.len() >= 4, "{order:?}");
    // The surest of all, yet after every quote that shows the speaker's own struggle.
    assert_eq!(order[order.len() - 2..], [text, acted], "{order:?}");
}

/// The sample with Ben's signals cut to one want, made by `edit`, and what the stage finds in it.
fn bens_want(k: &Knowledge, edit: impl FnOnce(&mut Said)) -> (Findings, Vec<Record>) {
    let mut records = sample();
    let ben = records.iter_mut().find(|r| r.interviewee == "Ben").unwrap();
    ben.said.truncate(1);
    ben.said[0].force = Force::DesiredProgress;
    edit(&mut ben.said[0]);
    (find(&records, k, &codebook(), 2), records)
}

/// In a want's own sentence the situation is read before the want and the outcome from it on:
/// a reason given before the want drives it, a need given after it is what it is for, and a
/// reason given after it is not its situation.
#[test]
fn a_wants_own_sentence_is_read_in_clause_order() {
    let k = Knowledge::embedded().unwrap();
    let findings_with = |sentence: &str| {
        bens_want(&k, |want| {
            let quote = Arc::make_mut(&mut want.quote);
            quote.text = sentence.into();
            quote.byte_end = sentence.len();
        })
    };
    let (f, records) = findings_with(
        "Because our audit evidence takes weeks to collect, we want to keep audit evidence in one system, because we have to answer auditors the same day.",
    );
    let story = story_of(&f, "compliance and audit readiness");
    assert_eq!(records[story.record].interviewee, "Ben");
    assert_eq!(
        story.text,
        "When our audit evidence takes weeks to collect, I want to keep audit evidence in one system, so I can answer auditors the same day."
    );
    assert_eq!(story.outcome.as_ref().unwrap().rule, "outcome/because-need");
    // Said after the want, a reason is not its situation.
    let (f, records) = findings_with(
        "We want to keep audit evidence in one system, because our audit evidence takes weeks to collect.",
    );
    assert_eq!(f.themes.len(), 2, "{:?}", f.themes);
    let bens = f
        .stories
        .iter()
        .filter(|s| records[s.record].interviewee == "Ben");
    for story in bens {
        assert!(story.situation.is_none(), "{}", story.text);
    }
}

/// A bind told two sentences ahead of a want, in the same answer, is its situation (rules that
/// read `earlier`); a plain statement that far back is not (`situation/context` reads only the
/// sentence right before).
#[test]
fn a_bind_told_further_back_in_the_answer_is_the_situation() {
    let k = Knowledge::embedded().unwrap();
    let findings_with = |earlier: &str| {
        bens_want(&k, |want| {
            want.sentence = 2;
            let quote = |text: &str, at: usize| Quote {
                text: text.into(),
                byte_start: at,
                byte_end: at + text.len(),
                ..Quote::clone(&want.quote)
            };
            let earlier = quote(earlier, 0);
            let before = quote("It is a long story.", earlier.byte_end + 1);
            want.quote = Arc::new(quote(
                "We want to keep audit evidence in one system.",
                before.byte_end + 1,
            ));
            want.before = Some(Arc::new(before));
            want.earlier = Box::new([Arc::new(earlier)]);
        })
    };
    let bens = |(f, records): &(Findings, Vec<Record>)| -> Vec<Story> {
        f.stories
            .iter()
            .filter(|s| records[s.record].interviewee == "Ben")
            .cloned()
            .collect()
    };
    let told = findings_with("So we cannot answer an auditor the same day.");
    let story = &bens(&told)[0];
    let situation = story.situation.as_ref().unwrap();
    assert_eq!(situation.rule, "situation/constraint");
    assert_eq!(situation.text, "we cannot answer an auditor the same day");
    assert_eq!(situation.evidence.quote.byte_start, 0);
    // A plain statement that far back sets no scene for this want.
    let told = findings_with("We run four hundred services.");
    assert!(
        bens(&told).iter().all(|s| s.situation.is_none()),
        "{:?}",
        bens(&told)
    );
}
