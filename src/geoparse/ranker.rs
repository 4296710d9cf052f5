//! The resolution ranker: each candidate of a mention is described by named
//! features (prior, name match, text context, document context), and its
//! score is their weighted sum. The weights are data, not code: the shipped
//! ones (`data/ranker.tsv`) are learned by `bench/train_ranker.py` from the
//! development corpora (a conditional logit over each mention's candidates),
//! and `geoparse --ranker-weights FILE` tries others.

use std::sync::OnceLock;

/// Number of features.
pub const NF: usize = 29;

/// Feature names, in vector order (the first column of a weights file).
pub const FEATURES: [&str; NF] = [
    "prior_country",
    "prior_capital",
    "prior_admin1",
    "prior_area",
    "prior_population",
    "primary_name",
    "admin_context",
    "feature_admin",
    "feature_part",
    "feature_site",
    "country_option",
    "country_focus",
    "major_place",
    "near_50km",
    "near_200km",
    "near_500km",
    "namesake_town",
    "doc_admin_area",
    "doc_admin_town",
    "peer_areas",
    "contains",
    "listed_with",
    "country_bare",
    "most_populous",
    "doc_country_share",
    "doc_admin1_share",
    "near_5km",
    "prior_names",
    "spelled",
];

/// Index of each feature in [`FEATURES`].
pub mod f {
    pub const PRIOR_COUNTRY: usize = 0;
    pub const PRIOR_CAPITAL: usize = 1;
    pub const PRIOR_ADMIN1: usize = 2;
    pub const PRIOR_AREA: usize = 3;
    pub const PRIOR_POPULATION: usize = 4;
    pub const PRIMARY_NAME: usize = 5;
    pub const ADMIN_CONTEXT: usize = 6;
    pub const FEATURE_ADMIN: usize = 7;
    pub const FEATURE_PART: usize = 8;
    pub const FEATURE_SITE: usize = 9;
    pub const COUNTRY_OPTION: usize = 10;
    pub const COUNTRY_FOCUS: usize = 11;
    pub const MAJOR_PLACE: usize = 12;
    pub const NEAR_50: usize = 13;
    pub const NEAR_200: usize = 14;
    pub const NEAR_500: usize = 15;
    pub const NAMESAKE_TOWN: usize = 16;
    pub const DOC_ADMIN_AREA: usize = 17;
    pub const DOC_ADMIN_TOWN: usize = 18;
    pub const PEER_AREAS: usize = 19;
    pub const CONTAINS: usize = 20;
    pub const LISTED_WITH: usize = 21;
    pub const COUNTRY_BARE: usize = 22;
    pub const MOST_POPULOUS: usize = 23;
    pub const DOC_COUNTRY_SHARE: usize = 24;
    pub const DOC_ADMIN1_SHARE: usize = 25;
    pub const NEAR_5: usize = 26;
    pub const PRIOR_NAMES: usize = 27;
    pub const SPELLED: usize = 28;
}

/// One feature vector.
pub type Features = [f64; NF];

/// Feature weights, one per [`FEATURES`] entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Weights(pub Features);

impl Weights {
    /// The shipped weights (`src/geoparse/data/ranker.tsv`), parsed once.
    pub fn shipped() -> &'static Weights {
        static W: OnceLock<Weights> = OnceLock::new();
        W.get_or_init(|| {
            Weights::from_tsv(include_str!("data/ranker.tsv"))
                .expect("the shipped ranker.tsv is checked by a unit test")
        })
    }

    /// Parses `name<TAB>weight` lines (`#` comments and blank lines skipped).
    /// Every feature must be given exactly once; unknown names are errors.
    pub fn from_tsv(text: &str) -> Result<Weights, String> {
        let mut w = [f64::NAN; NF];
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (name, value) = line
                .split_once('\t')
                .ok_or_else(|| format!("line {}: expected `feature<TAB>weight`, got {line:?}", n + 1))?;
            let i = FEATURES
                .iter()
                .position(|f| *f == name.trim())
                .ok_or_else(|| format!("line {}: unknown feature {:?}", n + 1, name.trim()))?;
            let v: f64 = value
                .trim()
                .parse()
                .map_err(|_| format!("line {}: weight {:?} is not a number", n + 1, value.trim()))?;
            if !v.is_finite() {
                return Err(format!("line {}: weight {v} is not finite", n + 1));
            }
            if !w[i].is_nan() {
                return Err(format!("line {}: feature {name} given twice", n + 1));
            }
            w[i] = v;
        }
        if let Some(i) = w.iter().position(|v| v.is_nan()) {
            return Err(format!("feature {} has no weight", FEATURES[i]));
        }
        Ok(Weights(w))
    }

    /// The weights as a file [`Weights::from_tsv`] reads back.
    pub fn to_tsv(&self) -> String {
        FEATURES.iter().zip(self.0).map(|(n, v)| format!("{n}\t{v}\n")).collect()
    }
}

/// A score being summed feature by feature, recording the vector when asked.
pub(super) struct Acc<'w, 'x> {
    w: &'w Weights,
    pub(super) score: f64,
    x: Option<&'x mut Features>,
}

impl<'w, 'x> Acc<'w, 'x> {
    #[inline]
    pub(super) fn new(w: &'w Weights, x: Option<&'x mut Features>) -> Self {
        Acc { w, score: 0.0, x }
    }

    /// Adds feature `i` with value `v`.
    #[inline]
    pub(super) fn add(&mut self, i: usize, v: f64) {
        self.score += self.w.0[i] * v;
        if let Some(x) = self.x.as_deref_mut() {
            x[i] = v;
        }
    }

    /// Does feature `i` count: it has a weight, or the vector is recorded?
    /// (A feature that costs work to compute is skipped when it does not.)
    #[inline]
    pub(super) fn wants(&self, i: usize) -> bool {
        self.w.0[i] != 0.0 || self.x.is_some()
    }

    /// Adds indicator feature `i`.
    #[inline]
    pub(super) fn fire(&mut self, i: usize) {
        self.add(i, 1.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_weights_name_every_feature_once() {
        let w = Weights::from_tsv(include_str!("data/ranker.tsv")).unwrap();
        assert!(w.0.iter().all(|v| v.is_finite()));
        assert_eq!(Weights::from_tsv(&w.to_tsv()).unwrap(), w);
    }

    #[test]
    fn bad_weight_files_are_refused_with_the_line() {
        let good = Weights::shipped().to_tsv();
        let missing: String = good.lines().skip(1).map(|l| format!("{l}\n")).collect();
        assert!(Weights::from_tsv(&missing).unwrap_err().contains(FEATURES[0]));
        let twice = format!("{good}{}\t1\n", FEATURES[3]);
        assert!(Weights::from_tsv(&twice).unwrap_err().contains("twice"));
        let unknown = format!("{good}bogus\t1\n");
        assert!(Weights::from_tsv(&unknown).unwrap_err().contains("unknown feature \"bogus\""));
        let nan = good.replacen("\t", "\tx", 1);
        assert!(Weights::from_tsv(&nan).unwrap_err().starts_with("line 1:"));
    }

    #[test]
    fn the_score_is_the_weighted_sum_and_the_vector_is_recorded() {
        let mut w = [0.0; NF];
        w[f::NEAR_50] = 2.0;
        w[f::PRIOR_POPULATION] = 0.5;
        let w = Weights(w);
        let mut x = [0.0; NF];
        let mut acc = Acc::new(&w, Some(&mut x));
        acc.fire(f::NEAR_50);
        acc.add(f::PRIOR_POPULATION, 0.4);
        acc.fire(f::COUNTRY_BARE);
        assert!((acc.score - 2.2).abs() < 1e-12);
        assert_eq!((x[f::NEAR_50], x[f::PRIOR_POPULATION], x[f::COUNTRY_BARE]), (1.0, 0.4, 1.0));
    }
}
