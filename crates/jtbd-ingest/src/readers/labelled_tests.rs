//! Tests of the labelled-text readers (`labelled.rs`).

use super::*;

proptest::proptest! {
    #[test]
    fn ascii_names_are_judged_as_by_chars(
        name in "[A-Za-z0-9 @.()\\[\\]?!,;\"*<>=/\\\\\t\u{b}:_'-]{0,70}",
        pieces in proptest::collection::vec(proptest::sample::select(vec![
            "Ann", "bo", "Dr.", "J.", "Acme.", "Corp.", "(CTO)", "(ex.", "[x]", "@h", "?", ",",
            "Q", "4a", "O'Neil", " ", " ", "\t", "\u{b}", ".", ")",
        ]), 0..9),
        loose: bool,
    ) {
        for name in [name, pieces.concat()] {
            let fast = match ascii_name(name.as_bytes()).unwrap() {
                AsciiName::Invalid => false,
                AsciiName::Capitalised => true,
                AsciiName::Other => loose || labels().is_known(&name.to_lowercase(), false),
            };
            proptest::prop_assert_eq!(fast, valid_name_chars(&name, loose), "{:?}", name);
        }
    }
}

fn name(line: &str, loose: bool) -> Option<&str> {
    plain_label(line, loose).map(|h| &line[h.name])
}

#[test]
fn plain_labels() {
    assert_eq!(name("Q: What broke?", false), Some("Q"));
    assert_eq!(name("Maria Lopez: We left.", false), Some("Maria Lopez"));
    assert_eq!(
        name("[00:01:02] Maria Lopez: We left.", false),
        Some("Maria Lopez")
    );
    assert_eq!(
        name("Maria Lopez (00:01:02): We left.", false),
        Some("Maria Lopez")
    );
    assert_eq!(name("Justin F (Acme): yes", false), Some("Justin F (Acme)"));
    assert_eq!(name("stokes: hello", false), None);
    assert_eq!(name("stokes: hello", true), Some("stokes"));
    assert_eq!(name("So here's the thing: no", false), None);
    assert_eq!(name("See https://x.io", true), None);
    assert_eq!(name("At 10:30 we met", true), None);
    assert_eq!(name("Well, yes: maybe", true), None);
}

#[test]
fn bold_and_otter_labels() {
    let l = "**Dana Reyes:** We pay twice.";
    let h = bold_label(l).unwrap();
    assert_eq!(
        (&l[h.name.clone()], &l[h.content..]),
        ("Dana Reyes", "We pay twice.")
    );
    let l = "**Break**: \\[28:03\\]";
    assert_eq!(&l[bold_label(l).unwrap().name], "Break");
    assert_eq!(bold_label("**Important** point"), None);
    let l = "Unknown Speaker  1:02:03  ";
    let (n, ms) = otter_header(l).unwrap();
    assert_eq!((&l[n], ms), ("Unknown Speaker", 3_723_000));
    assert_eq!(otter_header("We met at 10:30"), None);
    // Found by fuzzing: a multi-byte space before the time.
    let l = "Ana Reyes\u{2004}0:03";
    assert_eq!(
        otter_header(l).map(|(n, ms)| (&l[n], ms)),
        Some(("Ana Reyes", 3000))
    );
    assert_eq!(otter_header("\u{42d}--#---\u{2004}\u{2dff}"), None);
}

fn turns_of(src: &str, format: Format) -> Vec<(Option<String>, Option<u64>, String)> {
    read(src, format).unwrap().summary(src)
}

#[test]
fn bold_names_with_a_timestamp_instead_of_a_colon() {
    let src = "**Priya** [0:00] We lost a week to it.\n\n**Tom** 0:07\nWhat did that cost?\n\n**Priya** \\[01:02:03\\] A lot.\n\n**Important** point, not a name.\n";
    let got = turns_of(src, Format::Markdown);
    let who: Vec<(Option<&str>, Option<u64>)> = got.iter().map(|t| (t.0.as_deref(), t.1)).collect();
    assert_eq!(
        who,
        [
            (Some("Priya"), Some(0)),
            (Some("Tom"), Some(7_000)),
            (Some("Priya"), Some(3_723_000)),
            (Some("Priya"), None),
        ]
    );
    assert_eq!(got[0].2, "We lost a week to it.");
    assert_eq!(got[1].2, "What did that cost?");
    assert_eq!(got[3].2, "**Important** point, not a name.");
}

#[test]
fn html_references_in_markdown_are_decoded_and_stay_placed() {
    let src = "**Ana:** I&#39;m sure it&rsquo;s fine &amp; cheap.\n";
    let p = read(src, Format::Markdown).unwrap();
    let c = &p.segments[0].chunks[0];
    assert_eq!(
        c.text.as_deref(),
        Some("I'm sure it\u{2019}s fine & cheap.")
    );
    assert_eq!(
        &src[c.raw.clone()],
        "I&#39;m sure it&rsquo;s fine &amp; cheap."
    );
    let map = c.map.as_ref().unwrap();
    let text = c.text.as_deref().unwrap();
    let at = text.find("fine").unwrap();
    assert_eq!(&src[c.raw.start + map.file_offset(at)..][..4], "fine");
}

#[test]
fn a_speaker_line_is_never_metadata() {
    // `Interviewer: Hi` opens the conversation: no blank line ends a header block.
    let src = "Interviewer: Hi\nBob: Hello there.\nInterviewer: How are things?\nBob: Fine.\n";
    let p = read(src, Format::Text).unwrap();
    assert!(p.metadata.is_empty(), "{:?}", p.metadata);
    let got = turns_of(src, Format::Text);
    assert_eq!(got[0].0.as_deref(), Some("Interviewer"));
    assert_eq!(got[0].2, "Hi");
    assert_eq!(got[1].0.as_deref(), Some("Bob"));
    // A key that speaks again is a speaker even in a block that a blank line ends.
    let src = "Interviewer: Hi\n\nBob: Hello.\n\nInterviewer: And how did that go?\n";
    assert!(read(src, Format::Text).unwrap().metadata.is_empty());
}

#[test]
fn stage_directions_end_a_turn_and_are_never_one() {
    let src =
        "**Ann:** First part.\n\n**Break:** \\[19:59\\] to \\[21:06\\]\n\n**Ann:** Second part.\n";
    let got = turns_of(src, Format::Markdown);
    assert_eq!(
        got,
        [
            (Some("Ann".into()), None, "First part.".into()),
            (Some("Ann".into()), Some(1_199_000), "Second part.".into()),
        ]
    );
}

#[test]
fn continuation_markers_and_headers() {
    let src = "INTERVIEWER: Ada Moss\nDATE: 2 May\n\nMOSS: First question?\n\nLEE: An answer.\n\nMore of it.\n";
    let p = read(src, Format::Text).unwrap();
    assert_eq!(
        p.metadata.get("interviewer").map(String::as_str),
        Some("Ada Moss")
    );
    let got: Vec<(Option<&str>, &str)> = p
        .segments
        .iter()
        .map(|s| (s.speaker.as_deref(), &src[s.chunks[0].raw.clone()]))
        .collect();
    assert_eq!(
        got,
        [
            (Some("MOSS"), "First question?"),
            (Some("LEE"), "An answer."),
            (Some("LEE"), "More of it.")
        ]
    );
    let md = "# Call\n\n**Ann:** hi\n\n**Break**: \\[10:00\\]\n\nstill Ann\n";
    let p = read(md, Format::Markdown).unwrap();
    assert_eq!(p.metadata["heading"], "Call");
    assert!(!p.metadata.contains_key("title"));
    assert_eq!(p.segments.last().unwrap().speaker.as_deref(), Some("Ann"));
    assert_eq!(p.segments.last().unwrap().timestamp, Some(600_000));
}

#[test]
fn a_label_at_the_start_of_any_line_opens_a_turn() {
    // No blank lines; a bold label indented; a plain `Name:` line of a speaker named in
    // bold elsewhere; both spellings of a break.
    let md = "**Wren Tally:** We pay twice.\n**Oskar Veil:** Why?\n  **Wren Tally:** Nobody \
              knows.\nOskar Veil: And then?\n**Break**: \\[10:00\\]\n**Wren Tally:** Later.\n\
              **Break:** \\[12:00\\] to \\[13:00\\]\n**Oskar Veil:** Back.\n";
    let who = |src: &str, f: Format| -> Vec<(Option<String>, String)> {
        turns_of(src, f)
            .into_iter()
            .map(|(s, _, t)| (s, t))
            .collect()
    };
    let want = [
        (Some("Wren Tally".into()), "We pay twice.".into()),
        (Some("Oskar Veil".into()), "Why?".into()),
        (Some("Wren Tally".into()), "Nobody knows.".into()),
        (Some("Oskar Veil".into()), "And then?".into()),
        (Some("Wren Tally".into()), "Later.".into()),
        (Some("Oskar Veil".into()), "Back.".into()),
    ];
    assert_eq!(who(md, Format::Markdown), want);
    // The same in plain text: bold labels and breaks are labels there too.
    assert_eq!(who(md, Format::Text), want);
    let txt = "Wren Tally: We pay twice.\nOskar Veil: Why?\nWren Tally: Nobody knows.\n";
    assert_eq!(who(txt, Format::Text), want[..3]);
    // A line that only looks like a label is not one in Markdown.
    let md = "**Wren Tally:** We chose it.\nNew Plan: cut the cost.\n";
    assert_eq!(who(md, Format::Markdown).len(), 1);
}
