//! Where an incident happened: the places of a sentence (from the
//! geoparser's resolved mentions) that are incident sites, and their coding.

use chrono::NaiveDate;

use super::incident::{Incident, LocationType};
use crate::gazetteer::{Gazetteer, Place};
use crate::geoparse::{Mention, MentionKind, Relation, Resolution};

/// The places a sentence's event happened at: the innermost places named
/// in it (an area that only says where another place lies is context, not a
/// second event), countries only when nothing finer is named, and locative
/// mentions ("in X", "near X") before bare ones.
///
/// Of several, the event's own place wins: the one nearest the trigger
/// (at byte `trigger`), with the places listed beside it ("in Khanaqin,
/// Tuz Khurmatu and near Baiji"); a place that is only an origin or a
/// reference ("from Baghdad", "Washington's envoy", a name inside an
/// organisation's name in `blocked`) is not one while another is named.
pub(super) fn incident_places<'r>(
    text: &str,
    res: &'r [Resolution],
    s: usize,
    e: usize,
    trigger: usize,
    blocked: &[std::ops::Range<usize>],
) -> Vec<&'r Resolution> {
    // Resolutions are in text order: only the sentence's own are looked at,
    // so a long document is not scanned once per sentence.
    debug_assert!(res.windows(2).all(|w| w[0].mention.start <= w[1].mention.start));
    let lo = res.partition_point(|r| r.mention.start < s);
    let hi = res.partition_point(|r| r.mention.start < e);
    let in_sentence: Vec<(usize, &Resolution)> = res[lo..hi]
        .iter()
        .enumerate()
        .map(|(i, r)| (lo + i, r))
        .filter(|(_, r)| r.mention.start >= s && r.mention.end <= e)
        .filter(|(_, r)| r.mention.kind != MentionKind::Demonym)
        .filter(|(_, r)| r.place.is_some() || (r.mention.kind == MentionKind::Unknown && r.within.is_some()))
        .filter(|(_, r)| !is_attribution(&text[s..r.mention.start]))
        .filter(|(_, r)| !blocked.iter().any(|b| b.start < r.mention.end && r.mention.start < b.end))
        .filter(|(_, r)| !names_something_else(text, s, e, r))
        .collect();
    let is_context = |i: usize| {
        in_sentence.iter().any(|(_, r)| {
            r.mention.enclosing == Some(i) && (r.within.is_some() || r.mention.kind == MentionKind::Unknown)
        })
    };
    // "Hawija, a town near Kirkuk", "Bab el-Oued, an area of Algiers": the
    // second place of an apposition only says where the first one lies.
    let locator = |k: usize| {
        k > 0
            && text
                .get(in_sentence[k - 1].1.mention.end..in_sentence[k].1.mention.start)
                .is_some_and(locates_the_place_before)
    };
    let mut leaves: Vec<&Resolution> = in_sentence
        .iter()
        .enumerate()
        .filter(|(k, (i, _))| !is_context(*i) && !locator(*k))
        .map(|(_, (_, r))| *r)
        .collect();
    let is_country = |r: &Resolution| r.place.as_ref().is_some_and(Place::is_country);
    if leaves.iter().any(|r| !is_country(r)) {
        leaves.retain(|r| !is_country(r));
    }
    // "In Deir ez-Zor province, gunmen killed an elder in Al-Busayrah": a
    // province named as such beside a place inside it frames the sentence.
    let inside = |area: &Place, r: &Resolution| {
        r.place.as_ref().or(r.within.as_ref()).is_some_and(|p| {
            p.geonameid != area.geonameid
                && !p.is_admin1()
                && !p.is_country()
                && p.country == area.country
                && p.admin1_code == area.admin1_code
        })
    };
    let frames: Vec<bool> = leaves
        .iter()
        .map(|r| {
            r.mention.admin_noun.is_some()
                && r.mention.relation == Relation::At
                && r.place.as_ref().is_some_and(|a| a.is_admin1() && leaves.iter().any(|o| inside(a, o)))
        })
        .collect();
    let mut k = 0;
    leaves.retain(|_| {
        k += 1;
        !frames[k - 1]
    });
    // The object of the event's verb ("recaptured Kafr Nabl", "shelled the
    // town of X") is where it happened, as much as "in X" is.
    let object_of_trigger = |r: &Resolution| {
        r.mention.start > trigger
            && text.get(trigger..r.mention.start).is_some_and(|between| {
                !between.contains([',', '.', ';', '(']) && between.split_whitespace().count() <= 4
            })
    };
    // A person's or a thing's origin ("a man from the town of X") and an
    // owner ("London's transit system") are not where the event happened;
    // "withdrew from X", whose verb takes the place, is.
    // Not when a second verb comes between ("captured and extradited to X").
    let direct_object =
        |r: &Resolution| object_of_trigger(r) && !text[trigger..r.mention.start].split_whitespace().any(|w| w == "and");
    leaves.retain(|r| !is_origin(&text[s..r.mention.start]) || direct_object(r));
    leaves.retain(|r| !owns_a_thing(&text[r.mention.end..e]));
    leaves.retain(|r| !is_person_of(&text[s..r.mention.start], &text[r.mention.end..e]));
    // "was taken to a hospital in X", "was sent to X": where someone went
    // after the event, not where it happened.
    leaves.retain(|r| !is_destination(&text[s..r.mention.start]) || direct_object(r));
    // Possessors before a place ("Baghdad's Rusafa district") give way to
    // it; one that owns a part of itself ("Hama's northern countryside")
    // is the place.
    let possessed_place = |r: &Resolution| {
        is_possessor(&text[r.mention.end..e])
            && leaves.iter().any(|o| o.mention.start > r.mention.end && o.mention.start <= r.mention.end + 40)
    };
    let owners: Vec<bool> = leaves.iter().map(|r| possessed_place(r)).collect();
    if owners.iter().any(|o| !o) {
        let mut k = 0;
        leaves.retain(|_| {
            k += 1;
            !owners[k - 1]
        });
    }
    // "the northern capital of Mosul", "the town of X": a place framed by
    // its noun is as much a locative as "in X".
    let placed = |r: &Resolution| r.mention.locative || r.mention.admin_noun.is_some() || object_of_trigger(r);
    if leaves.iter().any(|r| placed(r)) {
        leaves.retain(|r| placed(r));
    }
    // "near Tarmiyah, about 40 kilometres north of Baghdad": the second
    // place only locates the first.
    let mut k = 1;
    while k < leaves.len() {
        let between = text.get(leaves[k - 1].mention.end..leaves[k].mention.start).unwrap_or("");
        if leaves[k].mention.relation == Relation::Near
            && between.trim_start().starts_with(',')
            && between.contains(" of ")
            && between.len() < 50
        {
            leaves.remove(k);
        } else {
            k += 1;
        }
    }
    if leaves.len() > 1 {
        // The place nearest the trigger, after it rather than before: "X
        // was killed in A when ... B" is at A; then the places listed with it.
        // A place in a relative clause ("a report which rejected charges of
        // massacres in X") is that clause's, not the event's: it comes last.
        let distance = |r: &Resolution| {
            let (d, between) = if r.mention.start >= trigger {
                (r.mention.start - trigger, text.get(trigger..r.mention.start))
            } else {
                (2 * trigger.saturating_sub(r.mention.end), text.get(r.mention.end..trigger))
            };
            if between.is_some_and(opens_relative_clause) { d + 100_000 } else { d }
        };
        let anchor = (0..leaves.len()).min_by_key(|&k| distance(leaves[k])).unwrap_or(0);
        // Places after the anchor that only describe something else ("...,
        // reopening the highway between Damascus and Aleppo", "370 km from
        // Baghdad") are dropped; places of a second event joined by "and"
        // ("arson in Diyala last week and fires in Makhmour on Tuesday")
        // are kept. The anchor goes first: it takes the casualties.
        let a = leaves[anchor];
        let mut kept = vec![a];
        for (k, r) in leaves.iter().enumerate() {
            if k == anchor {
                continue;
            }
            let describes = r.mention.start > a.mention.end
                && text.get(a.mention.end..r.mention.start).is_some_and(describes_something_else);
            if !describes {
                kept.push(r);
            }
        }
        leaves = kept;
    }
    let mut seen: Vec<(Option<i64>, String)> = Vec::new();
    leaves.retain(|r| {
        let key = (r.place.as_ref().map(|p| p.geonameid), r.mention.key.clone());
        if seen.contains(&key) {
            false
        } else {
            seen.push(key);
            true
        }
    });
    leaves
}

/// Text between an event's place and a later one that makes the later one
/// a description, not an event place: a participle clause (", reopening
/// the road between"), a route ("between"), a reference ("from").
fn describes_something_else(gap: &str) -> bool {
    let lower = gap.to_lowercase();
    let words: Vec<&str> = lower.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let participle = lower.split(',').skip(1).any(|clause| {
        clause.split_whitespace().next().is_some_and(|w| {
            w.ends_with("ing")
                && !matches!(w, "killing" | "wounding" | "injuring" | "including" | "targeting" | "during")
        })
    });
    // "the village of X near Tikrit", "X, 20 km north of Kirkuk": the
    // second place only says where the first is.
    // Compass words are the geoparser's ("north", "southeast", ...).
    const STARTS: &[&str] = &["near", "outside", "close", "about", "some"];
    const ALSO: &[&str] = &["to", "of", "km", "kilometres", "kilometers", "miles", "the", "city", "town"];
    let number = |w: &str| w.chars().all(|c| c.is_ascii_digit());
    let starts = |w: &str| STARTS.contains(&w) || crate::geoparse::DIRECTIONS.contains(&w) || number(w);
    let locating = words.first().is_some_and(|w| starts(w)) && words.iter().all(|w| starts(w) || ALSO.contains(w));
    participle || locating || words.iter().any(|w| matches!(*w, "between" | "from" | "toward" | "towards"))
}

/// A place name that stands for something other than a place in this
/// sentence: inside an organisation's name ("Revolutionary Armed Forces of
/// Colombia"), a state's institution ("the U.S. Embassy"), a government that
/// speaks ("Washington acknowledged"), an owner of people ("Saleh's forces",
/// "Somalia's deputy prime minister").
fn names_something_else(text: &str, s: usize, e: usize, r: &Resolution) -> bool {
    let before = &text[s..r.mention.start];
    let after = &text[r.mention.end..e];
    let prev: Vec<&str> = before.split_whitespace().rev().take(2).collect();
    let next: Vec<&str> = after.split_whitespace().take(2).collect();
    let cap = |w: &str| w.chars().next().is_some_and(char::is_uppercase);
    // "Forces of Colombia": "of" after a capitalised word that is no place noun.
    let in_org_name = prev.first().is_some_and(|w| *w == "of")
        && prev.get(1).is_some_and(|w| {
            cap(w)
                && !matches!(
                    w.to_lowercase().trim_matches(|c: char| !c.is_alphanumeric()),
                    "city"
                        | "province"
                        | "governorate"
                        | "republic"
                        | "state"
                        | "district"
                        | "region"
                        | "town"
                        | "village"
                        | "kingdom"
                        | "emirate"
                        | "county"
                        | "island"
                        | "islands"
                        | "gulf"
                        | "strait"
                        | "port"
                        | "bay"
                )
        })
        && before.trim_end().len() > prev[1].len() + 3;
    let institution = next.first().is_some_and(|w| {
        matches!(
            w.trim_matches(|c: char| !c.is_alphanumeric()),
            "Embassy"
                | "Consulate"
                | "Army"
                | "Navy"
                | "Forces"
                | "Marines"
                | "Military"
                | "Government"
                | "Ministry"
                | "Ambassador"
                | "President"
                | "Secretary"
                | "Congress"
                | "Senate"
                | "Department"
                | "Council"
                | "Troops"
                | "Command"
                | "Parliament"
                | "Prime"
                | "War"
        )
    });
    // "the governor of Kandahar", "the mayor of X": an office's seat.
    let office = prev.first().is_some_and(|w| *w == "of")
        && prev.get(1).is_some_and(|w| {
            matches!(
                w.to_lowercase().trim_matches(|c: char| !c.is_alphanumeric()),
                "governor"
                    | "mayor"
                    | "president"
                    | "minister"
                    | "king"
                    | "emir"
                    | "director"
                    | "chief"
                    | "head"
                    | "spokesman"
                    | "ambassador"
                    | "envoy"
                    | "consul"
                    | "bishop"
                    | "archbishop"
                    | "chairman"
                    | "representative"
                    | "representatives"
                    | "deputy"
                    | "government"
                    | "people"
            )
        });
    // "Washington protested", not "people in Neuquen protested".
    let after_preposition = prev.first().is_some_and(|w| {
        matches!(w.to_lowercase().as_str(), "in" | "at" | "near" | "outside" | "inside" | "into" | "across" | "around")
    });
    let speaks = !after_preposition
        && next.first().is_some_and(|w| {
            matches!(
                w.trim_matches(|c: char| !c.is_alphanumeric()),
                "said"
                    | "says"
                    | "acknowledged"
                    | "announced"
                    | "denied"
                    | "accused"
                    | "warned"
                    | "demanded"
                    | "urged"
                    | "condemned"
                    | "insisted"
                    | "claimed"
                    | "argued"
                    | "blamed"
                    | "stated"
                    | "protested"
                    | "vowed"
                    // A news agency: "Sana reported", "Xinhua quoted".
                    | "reported"
                    | "reports"
                    | "quoted"
                    | "quotes"
                    | "cited"
                    | "told"
            )
        });
    let owner = is_possessor(after)
        && next.get(1).is_some_and(|w| {
            let w = w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
            matches!(
                w.as_str(),
                "forces"
                    | "troops"
                    | "army"
                    | "military"
                    | "government"
                    | "president"
                    | "deputy"
                    | "prime"
                    | "minister"
                    | "ambassador"
                    | "envoy"
                    | "police"
                    | "leader"
                    | "regime"
                    | "allies"
                    | "men"
                    | "supporters"
                    | "militia"
                    | "officials"
                    | "spokesman"
                    | "foreign"
                    | "defence"
                    | "defense"
                    | "interior"
            )
        });
    // "told Xinhua", "the state news service, Sana,": a news agency or a
    // person spoken to, not a place.
    let told = prev.first().is_some_and(|w| {
        matches!(w.to_lowercase().trim_matches(|c: char| !c.is_alphanumeric()), "told" | "telling")
            || (w.ends_with(',') && matches!(w.trim_end_matches(',').to_lowercase().as_str(), "agency" | "service"))
    });
    let part_of_org = next.first().is_some_and(|w| {
        let w = w.trim_end_matches("'s").trim_end_matches("\u{2019}s");
        is_org_head(w.trim_matches(|c: char| !c.is_alphanumeric()))
    });
    // "Al-Shabaab has claimed": a group that speaks.
    let has_spoken = !after_preposition
        && next.first().is_some_and(|w| matches!(*w, "has" | "have" | "had"))
        && next.get(1).is_some_and(|w| {
            matches!(
                w.trim_matches(|c: char| !c.is_alphanumeric()),
                "claimed" | "said" | "denied" | "announced" | "accused"
            )
        });
    // "a man born in Basra": where a person comes from, not where the
    // event happened. (Not a meeting's place: a protest against a summit
    // happens where the summit sits.)
    let born_in = prev.len() == 2
        && matches!(prev[0].to_lowercase().as_str(), "in" | "at")
        && matches!(
            prev[1].to_lowercase().trim_matches(|c: char| !c.is_alphanumeric()),
            "born" | "raised" | "educated" | "studied"
        );
    in_org_name
        || born_in
        || institution
        || office
        || speaks
        || owner
        || told
        || has_spoken
        || part_of_org
        || is_a_persons_name(before, after)
        || modifies_an_office_or_a_thing(after)
        || is_criticised(&prev)
}

/// Capitalised heads that end an organisation's or a product's name whose
/// first word is a place: "the Raqqa Rebels Brigade", "Anbar Operations",
/// "Asia Energy", "the Hanoi Hilton". Site nouns ("Mosque", "Hospital",
/// "University") are left out: an event at the Mosul University is in Mosul.
fn is_org_head(w: &str) -> bool {
    matches!(
        w,
        "Rebels"
            | "Brigade"
            | "Brigades"
            | "Battalion"
            | "Battalions"
            | "Regiment"
            | "Division"
            | "Operations"
            | "Front"
            | "Movement"
            | "Party"
            | "Energy"
            | "Company"
            | "Corporation"
            | "Corp"
            | "Group"
            | "Alliance"
            | "Hilton"
            | "Airways"
            | "Airlines"
            | "Times"
            | "Post"
            | "Agency"
            | "Television"
            | "Radio"
    )
}

/// A place name that is a person's: the subject of a verb only people
/// undergo ("Fatima was let in", "after Cardoso was killed", "both Grant
/// and Waters were re-arrested"), the last part of an Arabic name ("Abu
/// Ibrahim al-Tounsi", "Saif bin Ali"), or a name after a title and
/// initials ("Gen. George S. Patton").
fn is_a_persons_name(before: &str, after: &str) -> bool {
    const UNDERGONE: &[&str] = &[
        "killed",
        "shot",
        "wounded",
        "injured",
        "arrested",
        "re-arrested",
        "detained",
        "let",
        "born",
        "executed",
        "assassinated",
        "kidnapped",
        "abducted",
        "sentenced",
        "convicted",
        "released",
        "freed",
        "hanged",
        "stabbed",
        "beheaded",
        "tortured",
        "jailed",
        "imprisoned",
        "elected",
        "appointed",
    ];
    let next: Vec<String> = after
        .split_whitespace()
        .take(4)
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '-').to_lowercase())
        .collect();
    let undergoes = |k: usize| {
        next.get(k).is_some_and(|w| w == "was" || w == "were")
            && next.get(k + 1).is_some_and(|w| UNDERGONE.contains(&w.as_str()))
    };
    // "Grant and Waters were": a second capitalised name, then the verb.
    let second_name = next.first().is_some_and(|w| w == "and")
        && after.split_whitespace().nth(1).is_some_and(|w| w.chars().next().is_some_and(char::is_uppercase));
    let b = before.trim_end();
    let prev_word = |s: &str| s.trim_end().rsplit(char::is_whitespace).next().unwrap_or("").to_string();
    // People's names take no article: "the West Bank was shot" is not one.
    let before_locative = matches!(
        prev_word(b).to_lowercase().as_str(),
        "in" | "at"
            | "near"
            | "of"
            | "from"
            | "to"
            | "into"
            | "on"
            | "outside"
            | "inside"
            | "across"
            | "around"
            | "through"
            | "the"
            | "a"
            | "an"
    );
    let subject = !before_locative && (undergoes(0) || (second_name && undergoes(2)));
    // "Abu Ibrahim al-Tounsi", "Saif bin Ali": a patronymic particle, or
    // "al-" in a name that opens with a kunya ("Abu", "Umm"); not "Baghdad
    // al-Jadida" or "the al-Muthanna province", which are places.
    let particle = ["bin ", "ibn ", "bint "].iter().any(|p| {
        before.ends_with(p)
            && prev_word(&before[..before.len() - p.len()]).chars().next().is_some_and(char::is_uppercase)
    }) || ["al-", "Al-", "el-"].iter().any(|p| {
        before.ends_with(p) && {
            let head: Vec<&str> = before[..before.len() - p.len()].split_whitespace().rev().take(2).collect();
            head.len() == 2
                && matches!(head[1], "Abu" | "Umm" | "Ibn" | "Bin")
                && head[0].chars().next().is_some_and(char::is_uppercase)
        }
    });
    // "Gen. George S. Patton": a title, then capitalised names and initials.
    let mut words = b.split_whitespace().rev();
    let mut names = 0;
    let titled = loop {
        let Some(w) = words.next() else { break false };
        let bare = w.trim_end_matches('.');
        if matches!(
            bare,
            "Gen"
                | "General"
                | "Col"
                | "Colonel"
                | "Lt"
                | "Maj"
                | "Capt"
                | "Sgt"
                | "Adm"
                | "Mr"
                | "Mrs"
                | "Ms"
                | "Dr"
                | "Sheikh"
                | "President"
                | "Imam"
                | "Rev"
        ) {
            break names > 0;
        }
        let name_like = bare.chars().next().is_some_and(char::is_uppercase) && bare.chars().all(char::is_alphabetic);
        if !name_like || names == 3 {
            break false;
        }
        names += 1;
    };
    subject || particle || titled
}

/// The place as a noun modifier of an office, a government or an accord
/// ("the previous Jaffna mayor", "the Baghdad regime", "the 1996
/// Khasavyurt ceasefire agreement") or of a weapon or machine named after it
/// ("a Chinook transport helicopter"): not where the event happened.
fn modifies_an_office_or_a_thing(after: &str) -> bool {
    let mut words = after.split_whitespace();
    let Some(next) = words.next() else { return false };
    if !next.chars().next().is_some_and(char::is_lowercase) || next.ends_with([',', '.', ';', ':']) {
        return false;
    }
    let w = next.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
    let then = words.next().unwrap_or("").trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
    matches!(
        w.as_str(),
        "mayor"
            | "governor"
            | "regime"
            | "ceasefire"
            | "cease-fire"
            | "accord"
            | "accords"
            | "agreement"
            | "talks"
            | "treaty"
            | "helicopter"
            | "helicopters"
            | "transport"
            | "rifle"
            | "rifles"
            | "missile"
            | "missiles"
            | "members"
            | "member"
            | "loyalists"
    ) || (w == "police" && matches!(then.as_str(), "chief" | "commissioner" | "commander"))
        || (w == "peace" && matches!(then.as_str(), "talks" | "agreement" | "accord" | "deal" | "treaty"))
}

/// "slamming Washington for", "accusing Damascus of": a government that is
/// criticised or urged, not the place of the event.
fn is_criticised(prev: &[&str]) -> bool {
    prev.first().is_some_and(|w| {
        matches!(
            w.to_lowercase().as_str(),
            "slamming"
                | "slammed"
                | "accusing"
                | "blaming"
                | "criticising"
                | "criticizing"
                | "criticised"
                | "criticized"
                | "condemning"
                | "urging"
                | "pressing"
                | "pressuring"
                | "lobbying"
        )
    })
}

/// Place nouns that frame a name ("the town of X", "a village near X").
const PLACE_NOUNS: &[&str] = &[
    "town",
    "city",
    "village",
    "hamlet",
    "area",
    "district",
    "suburb",
    "neighbourhood",
    "neighborhood",
    "capital",
    "province",
    "region",
    "settlement",
    "camp",
    "county",
    "municipality",
    "locality",
    "stronghold",
    "port",
    "hometown",
];

/// The words of `text`, lower-cased, last first.
fn last_words(text: &str, n: usize) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).rev().take(n).map(str::to_lowercase).collect()
}

/// Drops a trailing "the village of", "the town of" (last-first words).
fn skip_place_noun_frame(w: &[String]) -> &[String] {
    match w {
        [of, noun, the, rest @ ..] if of == "of" && PLACE_NOUNS.contains(&noun.as_str()) && the == "the" => rest,
        [of, noun, rest @ ..] if of == "of" && PLACE_NOUNS.contains(&noun.as_str()) => rest,
        _ => w,
    }
}

/// The text before the first item of a list of capitalised names that
/// ends with the one after `before`: "troops from Australia, New Zealand
/// and " gives "troops from ". A name not in such a list gives `before`.
fn before_the_list(before: &str) -> &str {
    let mut rest = before;
    loop {
        let Some(head) =
            rest.strip_suffix(", and ").or_else(|| rest.strip_suffix(" and ")).or_else(|| rest.strip_suffix(", "))
        else {
            return rest;
        };
        // Back over one item: capitalised words ("New Zealand").
        let mut start = head.len();
        loop {
            let word_start = head[..start].rfind(' ').map_or(0, |k| k + 1);
            let w = &head[word_start..start];
            if w.chars().next().is_some_and(char::is_uppercase) && w.chars().all(|c| c.is_alphabetic() || c == '-') {
                start = word_start;
                if start == 0 {
                    break;
                }
                start -= 1; // the space before the word
            } else {
                break;
            }
        }
        if start >= head.len() {
            return rest;
        }
        // `start` is at the space before the item (or 0: the list opens the text).
        rest = if start == 0 && !head.starts_with(' ') { "" } else { &head[..start + 1] };
    }
}

/// "an officer from X", "370 km from X", "officials from the town of X",
/// "warships from France, Russia and X": an origin or a reference point.
fn is_origin(before: &str) -> bool {
    let all = last_words(before_the_list(before), 5);
    let w = skip_place_noun_frame(&all);
    // "not far from X" is near it.
    let from = |k: usize| w.get(k).is_some_and(|x| x == "from") && w.get(k + 1).is_none_or(|x| x != "far");
    from(0) || (w.first().is_some_and(|x| x == "the") && from(1))
}

/// A person's home: "Moussa Ali, 28, of the village of X", "a resident of
/// X", "a Staten Island man".
fn is_person_of(before: &str, after: &str) -> bool {
    const PEOPLE: &[&str] = &[
        "man",
        "woman",
        "men",
        "women",
        "boy",
        "girl",
        "resident",
        "residents",
        "native",
        "natives",
        "teenager",
        "villager",
        "villagers",
        "couple",
        "family",
    ];
    let all = last_words(before, 5);
    let w = skip_place_noun_frame(&all);
    // "Name, 28, of X" and "Name, 28, of Y near X": the apposition after
    // an age is where the person is from.
    let age_of = before.rsplit_once(',').is_some_and(|(head, segment)| {
        let age = head.trim_end().rsplit(|c: char| !c.is_ascii_digit()).next().unwrap_or("");
        // Only the place's own words follow: "of the village of", "of X near".
        let frame = segment.trim_start().strip_prefix("of ").is_some_and(|rest| {
            rest.split_whitespace().all(|w| {
                let l = w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
                w.chars().next().is_some_and(char::is_uppercase)
                    || matches!(l.as_str(), "the" | "of" | "near" | "in" | "outside")
                    || PLACE_NOUNS.contains(&l.as_str())
            })
        });
        frame
            && (1..=3).contains(&age.len())
            && head.trim_end().trim_end_matches(|c: char| c.is_ascii_digit()).trim_end().ends_with(',')
    });
    let resident_of = w.first().is_some_and(|w| w == "of")
        && w.get(1).is_some_and(|p| matches!(p.as_str(), "resident" | "residents" | "native" | "natives"));
    // "a Texas woman": the place as an adjective of a person.
    let article = all.first().is_some_and(|w| w == "a" || w == "an");
    let next = after.split_whitespace().next().unwrap_or("");
    let person = PEOPLE.contains(&next.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase().as_str());
    age_of || resident_of || (article && person)
}

/// "was taken to a hospital in X", "was sent to X", "fled to the town of X":
/// a destination after a verb of moving someone or something.
fn is_destination(before: &str) -> bool {
    const MOVED: &[&str] = &[
        "taken",
        "rushed",
        "brought",
        "sent",
        "transferred",
        "evacuated",
        "flown",
        "moved",
        "fled",
        "went",
        "returned",
        "deported",
        "extradited",
        "driven",
        "carried",
        "headed",
        "walk",
        "walked",
        "travelled",
        "traveled",
        "escaped",
        "relocated",
        "shipped",
        "smuggled",
        "crossing",
        "crossed",
        "off",
    ];
    let before = before_the_list(before);
    let w = last_words(before, 6);
    // "to X", "to the town of X", "to a hospital in X", "into X".
    let Some(to) = w.iter().position(|x| x == "to" || x == "into") else { return false };
    let between = &w[..to];
    let short = between.is_empty()
        || skip_place_noun_frame(between).is_empty()
        || (between.first().is_some_and(|x| x == "in")
            && between.get(1).is_some_and(|x| x == "hospital")
            && between.len() <= 3);
    let tail = before.rsplit(w[to].as_str()).next().unwrap_or("");
    short && !tail.contains([',', ';']) && w.get(to + 1).is_some_and(|v| MOVED.contains(&v.as_str()))
}

/// ", a town near ", ", an area of ", ", the main city in ", ", 160 km
/// north of ": an apposition whose place only locates the place before it.
fn locates_the_place_before(gap: &str) -> bool {
    let Some(rest) = gap.trim_start().strip_prefix(',') else { return false };
    if rest.contains([',', ';', '.', '(', ')']) {
        return false;
    }
    let words: Vec<String> =
        rest.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect();
    let number = |w: &str| w.chars().all(|c| c.is_ascii_digit());
    let unit = |w: &str| matches!(w, "km" | "kilometres" | "kilometers" | "kilometre" | "kilometer" | "miles" | "mi");
    let Some((last, inner)) = words.split_last() else { return false };
    let starts =
        words.first().is_some_and(|w| matches!(w.as_str(), "a" | "an" | "the" | "about" | "some") || number(w));
    starts
        && words.len() <= 8
        && matches!(last.as_str(), "of" | "near" | "in" | "outside")
        && inner.iter().any(|w| PLACE_NOUNS.contains(&w.as_str()) || unit(w))
}

/// "which", "who", "whose" between the event's verb and a place: the place
/// is in a clause about something else.
fn opens_relative_clause(between: &str) -> bool {
    between
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| w.eq_ignore_ascii_case("which") || w.eq_ignore_ascii_case("who") || w.eq_ignore_ascii_case("whose"))
}

/// "London's transit system", "Somalia's ports": an owner of a thing in
/// lower case (not "Baghdad's Rusafa district", not "Aleppo's eastern
/// districts", which are places in it).
fn owns_a_thing(after: &str) -> bool {
    let Some(rest) = after.strip_prefix("'s ").or_else(|| after.strip_prefix("\u{2019}s ")) else { return false };
    let next = rest.split_whitespace().next().unwrap_or("");
    let w = next.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
    next.chars().next().is_some_and(char::is_lowercase)
        && !matches!(
            w.as_str(),
            "north"
                | "south"
                | "east"
                | "west"
                | "northern"
                | "southern"
                | "eastern"
                | "western"
                | "central"
                | "northeast"
                | "northwest"
                | "southeast"
                | "southwest"
                | "northeastern"
                | "northwestern"
                | "southeastern"
                | "southwestern"
                | "old"
                | "outskirts"
                | "suburbs"
                | "suburb"
                | "countryside"
                | "centre"
                | "center"
                | "downtown"
                | "district"
                | "districts"
                | "neighbourhood"
                | "neighborhood"
                | "neighbourhoods"
                | "neighborhoods"
                | "province"
                | "provinces"
                | "border"
                | "borders"
                | "capital"
                | "main"
                | "largest"
                | "second"
                | "third"
                | "biggest"
                | "port"
                | "city"
                | "town"
                | "village"
                | "villages"
                | "streets"
                | "heart"
                | "edge"
                | "rural"
                | "restive"
                | "mainly"
                | "mostly"
                | "predominantly"
        )
}

/// "Washington's envoy": the place owns something; it is not where it happened.
fn is_possessor(after: &str) -> bool {
    after.starts_with("'s ") || after.starts_with("\u{2019}s ")
}

/// "officials in Salah ad Din province said", "according to the Anbar
/// police": the place of the speaker, not of the event.
fn is_attribution(before: &str) -> bool {
    let tail = before.trim_end().to_lowercase();
    if tail.ends_with("according to") || tail.ends_with("according to the") {
        return true;
    }
    let words: Vec<String> = before
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .rev()
        .take(2)
        .map(str::to_lowercase)
        .collect();
    words.len() == 2
        && words[0] == "in"
        && matches!(
            words[1].as_str(),
            "sources"
                | "source"
                | "officials"
                | "official"
                | "authorities"
                | "medics"
                | "doctors"
                | "witnesses"
                | "commanders"
                | "spokesman"
                | "residents"
                | "officers"
                | "correspondent"
                | "correspondents"
                | "reporter"
                | "reporters"
                | "journalist"
                | "journalists"
        )
}

/// The city an admin-1 area of the same name is named after ("Baghdad"
/// the governorate: Baghdad the city), when the gazetteer has it.
fn city_of_area(gaz: &Gazetteer, area: &Place) -> Option<Place> {
    if !area.is_admin1() {
        return None;
    }
    let opts = crate::gazetteer::LookupOptions {
        country: Some(area.country.to_string()),
        feature_class: Some('P'),
        admin1: Some(area.admin1_code.to_string()),
        fuzzy: false,
        limit: 1,
        ..Default::default()
    };
    gaz.lookup(&area.name, &opts).into_iter().next().map(|c| c.place)
}

/// The city that owns the area enclosing `m` when the text writes it as a
/// possessor ("Baghdad's Rusafa district"): the possessor itself when it
/// resolved to a town, or the city of its name when it resolved to the
/// province ([`city_of_area`]).
fn district_of_city(gaz: &Gazetteer, text: &str, m: &Mention, all: &[Resolution]) -> Option<Place> {
    let area = all.get(m.enclosing?)?;
    let owner = all.get(area.mention.enclosing?)?;
    // (The geoparser links an owner right before its district only across
    // a possessive; it is asked here all the same.)
    if !(owner.mention.end <= area.mention.start && is_possessor(text.get(owner.mention.end..)?)) {
        return None;
    }
    let place = owner.place.as_ref()?;
    if place.feature_class == 'P' { Some(place.clone()) } else { city_of_area(gaz, place) }
}

/// Codes where an incident happened from one resolution.
pub(super) fn code_location(
    gaz: &Gazetteer,
    text: &str,
    r: &Resolution,
    all: &[Resolution],
    date: NaiveDate,
) -> Option<Incident> {
    let m = &r.mention;
    let (place, via_area) = match (&r.place, &r.within) {
        (Some(p), _) => (p.clone(), false),
        (None, Some(w)) => (w.clone(), true),
        _ => return None,
    };
    // For an unknown name placed at its area, the area's own qualifier
    // ("the Akashat area of western Anbar") still applies.
    let area_relation =
        if via_area { m.enclosing.and_then(|i| all.get(i)).map(|o| o.mention.relation.clone()) } else { None };
    let relation = area_relation.unwrap_or_else(|| m.relation.clone());
    // "on the edge of Sarmin", "the outskirts of Mosul": near it.
    let from = (m.start.saturating_sub(40)..m.start).find(|&b| text.is_char_boundary(b)).unwrap_or(m.start);
    let before = text.get(from..m.start).unwrap_or("").trim_end().to_lowercase();
    let relation = if relation == Relation::At && (before.ends_with("edge of") || before.ends_with("outskirts of")) {
        Relation::Near
    } else {
        relation
    };
    // A square, prison or district of a city the gazetteer does not know
    // is coded at the city, as the city itself.
    let framed_as_area = m.enclosing.and_then(|i| all.get(i)).is_some_and(|o| {
        o.mention.admin_noun.as_deref().is_some_and(|n| {
            matches!(n, "province" | "provinces" | "governorate" | "governorates" | "state" | "region" | "muhafazat")
        })
    });
    // "in Basra", "in central Basra": a name that is a city and its
    // province, written without "province", is the city.
    let central = matches!(&relation, Relation::Part(d) if d == "central");
    // Looked up once: the second rule only runs when the first did not
    // replace the place (it needs `via_area`, which the first excludes).
    let area_city = city_of_area(gaz, &place);
    let (place, relation, area_city) = match (&relation, area_city) {
        (Relation::At | Relation::Part(_), Some(city))
            if !via_area && m.admin_noun.is_none() && (central || relation == Relation::At) =>
        {
            (city, if central { Relation::At } else { relation }, None)
        }
        (_, area_city) => (place, relation, area_city),
    };
    let (place, via_area) = match (via_area && !framed_as_area, area_city) {
        (true, Some(city)) => (city, false),
        (true, None) if place.feature_class == 'P' => (place, false),
        _ => (place, via_area),
    };
    // "a market in Baghdad's Rusafa district": an unknown site in a
    // district the gazetteer knows only as an admin-2 area of a city is
    // coded at the city, as a square or prison of the city is.
    let (place, via_area) = match (via_area, district_of_city(gaz, text, m, all)) {
        (true, Some(city)) if place.feature_class == 'A' && !place.is_admin1() && !place.is_country() => (city, false),
        _ => (place, via_area),
    };
    let (location_type, precision) = if place.is_country() {
        (LocationType::Country, 3)
    } else if place.is_admin1() {
        match relation {
            Relation::Part(_) => (LocationType::Region, 2),
            _ => (LocationType::Admin1, 3),
        }
    } else if place.feature_class == 'A' {
        match relation {
            Relation::Part(_) => (LocationType::Region, 2),
            _ => (LocationType::Admin2, 2),
        }
    } else if via_area {
        (LocationType::Near, 2)
    } else {
        match relation {
            Relation::Near => (LocationType::Near, 2),
            _ => (LocationType::Site, 1),
        }
    };
    let mut inc = Incident::new(date, place.position);
    inc.location = if via_area {
        m.name.clone()
    } else {
        match &m.relation {
            Relation::Part(dir) => format!("{dir} {}", m.name),
            _ => m.name.clone(),
        }
    };
    inc.place_name = place.name.to_string();
    inc.geonameid = Some(place.geonameid);
    inc.country = place.country.to_string();
    inc.admin1 = gaz
        .admin1_name(&place.country, &place.admin1_code)
        .or_else(|| gaz.admin1_at(place.position).map(|a| a.name.clone()))
        .unwrap_or_default();
    inc.admin2 = gaz.admin2_name(&place.country, &place.admin1_code, &place.admin2_code).unwrap_or_default();
    inc.geo_precision = precision;
    inc.location_type = location_type;
    inc.confidence = if via_area { 0.5 } else { r.score };
    inc.resolution = r.rule.clone();
    Some(inc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appositions_destinations_origins_and_relative_clauses() {
        assert!(locates_the_place_before(", a town near "));
        assert!(locates_the_place_before(", an area of "));
        assert!(locates_the_place_before(", 160 km north of "));
        assert!(!locates_the_place_before(" and "));
        assert!(!locates_the_place_before(", the day after fighting in "));
        assert!(is_destination("his body was taken to a hospital in "));
        assert!(is_destination("the wounded were flown to "));
        assert!(!is_destination("as they headed to evening prayers in "));
        assert!(!is_destination("gunmen opened fire in "));
        assert!(is_destination("the soldier was captured and taken into "));
        assert!(is_destination("they shipped him off to "));
        assert!(is_origin("warships from Denmark, France, New Zealand and "));
        assert!(!is_origin("clashes in Homs, Hama and "));
        assert_eq!(before_the_list("a force from Australia, New Zealand and "), "a force from ");
        assert_eq!(before_the_list("fighting in "), "fighting in ");
        // A list that opens the text has nothing before it.
        assert_eq!(before_the_list("France and "), "");
        assert_eq!(before_the_list("Troops from France and "), "Troops from ");
        assert!(is_origin("two officials from the town of "));
        assert!(!is_origin("a jet was downed not far from "));
        assert!(is_person_of("Ali Hassan, 34, of the village of ", " was shot"));
        assert!(!is_person_of("Ali Hassan, 34, of the village of Hawija was shot dead in ", " on Monday"));
        assert!(is_person_of("police said a ", " man was shot"));
        assert!(!is_person_of("police said a ", " market was hit"));
        assert!(opens_relative_clause(" a report which blamed militias for "));
        assert!(!opens_relative_clause(" when a roadside bomb hit a patrol near "));
    }
}
