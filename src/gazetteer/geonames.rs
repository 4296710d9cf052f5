//! GeoNames' tab-separated formats: the 19-column place dumps and the
//! admin-code tables.
//!
//! This file is also compiled into `build.rs`, so it uses `std` only and
//! reports problems as plain strings; the library wraps them with the file
//! and line.

/// One row of a GeoNames place dump (allCountries.txt, XX.txt, citiesN.txt).
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub geonameid: i64,
    pub name: String,
    pub asciiname: String,
    pub alternatenames: Vec<String>,
    pub lat: f64,
    pub lon: f64,
    pub feature_class: char,
    pub feature_code: String,
    pub country: String,
    pub admin1: String,
    pub admin2: String,
    pub population: u64,
}

/// Parses one line of a place dump. The line has no trailing newline.
pub fn parse_row(line: &str) -> Result<Row, String> {
    let cols: Vec<&str> = line.split('\t').collect();
    if cols.len() != 19 {
        return Err(format!("expected 19 tab-separated columns, found {}", cols.len()));
    }
    let geonameid: i64 = cols[0].trim().parse().map_err(|_| format!("geonameid {:?} is not an integer", cols[0]))?;
    let lat: f64 = cols[4].trim().parse().map_err(|_| format!("latitude {:?} is not a number", cols[4]))?;
    let lon: f64 = cols[5].trim().parse().map_err(|_| format!("longitude {:?} is not a number", cols[5]))?;
    if !(lat.is_finite() && (-90.0..=90.0).contains(&lat)) {
        return Err(format!("latitude {lat} is outside -90..90"));
    }
    if !(lon.is_finite() && (-180.0..=180.0).contains(&lon)) {
        return Err(format!("longitude {lon} is outside -180..180"));
    }
    let name = cols[1].trim();
    if name.is_empty() {
        return Err("empty name".to_string());
    }
    let population = if cols[14].trim().is_empty() {
        0
    } else {
        cols[14].trim().parse::<i64>().map_err(|_| format!("population {:?} is not an integer", cols[14]))?.max(0)
            as u64
    };
    Ok(Row {
        geonameid,
        name: name.to_string(),
        asciiname: cols[2].trim().to_string(),
        alternatenames: cols[3].split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect(),
        lat,
        lon,
        feature_class: cols[6].trim().chars().next().unwrap_or(' '),
        feature_code: cols[7].trim().to_string(),
        country: cols[8].trim().to_string(),
        admin1: cols[10].trim().to_string(),
        admin2: cols[11].trim().to_string(),
        population,
    })
}

/// One row of admin1CodesASCII.txt / admin2Codes.txt: `code, name, asciiname, geonameid`.
pub fn parse_code_row(line: &str) -> Result<(String, String), String> {
    let mut cols = line.split('\t');
    let code = cols.next().unwrap_or("").trim();
    let name = cols.next().unwrap_or("").trim();
    if code.is_empty() || name.is_empty() || !code.contains('.') {
        return Err("expected `CC.code<TAB>name<TAB>asciiname<TAB>geonameid`".to_string());
    }
    Ok((code.to_string(), name.to_string()))
}

/// One row of countryInfo.txt (comment lines start with `#`): ISO code, name, geonameid.
pub fn parse_country_row(line: &str) -> Result<(String, String, i64), String> {
    let cols: Vec<&str> = line.split('\t').collect();
    if cols.len() < 17 {
        return Err(format!("expected at least 17 tab-separated columns, found {}", cols.len()));
    }
    let iso = cols[0].trim();
    if iso.len() != 2 {
        return Err(format!("ISO code {iso:?} is not two letters"));
    }
    let geonameid = cols[16].trim().parse().unwrap_or(0);
    Ok((iso.to_string(), cols[4].trim().to_string(), geonameid))
}

/// The capital named in a countryInfo.txt row: (ISO code, capital).
pub fn parse_country_capital(line: &str) -> Option<(String, String)> {
    let cols: Vec<&str> = line.split('\t').collect();
    let capital = cols.get(5)?.trim();
    (cols.first()?.trim().len() == 2 && !capital.is_empty()).then(|| (cols[0].trim().to_string(), capital.to_string()))
}

/// One row of alternateNamesV2.txt / alternateNames.txt:
/// `alternateNameId, geonameid, isolanguage, name, ...`. Returns the
/// geonameid, language and name; rows for links, postcodes and airport codes
/// are `None`.
pub fn parse_alternate_row(line: &str) -> Result<Option<(i64, String, String)>, String> {
    let cols: Vec<&str> = line.split('\t').collect();
    if cols.len() < 4 {
        return Err(format!("expected at least 4 tab-separated columns, found {}", cols.len()));
    }
    let id: i64 = cols[1].trim().parse().map_err(|_| format!("geonameid {:?} is not an integer", cols[1]))?;
    let lang = cols[2].trim();
    if matches!(lang, "link" | "post" | "iata" | "icao" | "faac" | "abbr" | "wkdt" | "unlc" | "fr_1793") {
        return Ok(None);
    }
    // Column 8 (isHistoric) and 9 (to) mark names no longer in use; keep them,
    // news often uses old names ("Jurf al-Sakhar").
    Ok(Some((id, lang.to_string(), cols[3].trim().to_string())))
}

#[cfg(test)]
mod tests {
    use super::*;

    const KHANAQIN: &str = "94591\tKhānaqīn\tKhanaqin\tKhanaqin,Xaneqin,خانقين\t34.3482\t45.39065\tP\tPPLA2\tIQ\t\t10\t\t\t\t175000\t\t203\tAsia/Baghdad\t2016-06-22";

    #[test]
    fn parses_a_real_row() {
        let r = parse_row(KHANAQIN).unwrap();
        assert_eq!(r.geonameid, 94591);
        assert_eq!(r.asciiname, "Khanaqin");
        assert_eq!(r.alternatenames.len(), 3);
        assert_eq!(r.feature_code, "PPLA2");
        assert_eq!(r.admin1, "10");
        assert_eq!(r.population, 175000);
    }

    #[test]
    fn rejects_bad_rows_with_reasons() {
        assert!(parse_row("1\tX").unwrap_err().contains("19"));
        let bad_lat = KHANAQIN.replace("34.3482", "123");
        assert!(parse_row(&bad_lat).unwrap_err().contains("latitude"));
        let bad_id = KHANAQIN.replace("94591", "x1");
        assert!(parse_row(&bad_id).unwrap_err().contains("geonameid"));
    }

    #[test]
    fn alternate_rows() {
        let row = "1\t94591\tku\tXaneqîn\t\t\t\t\t\t";
        assert_eq!(parse_alternate_row(row).unwrap(), Some((94591, "ku".to_string(), "Xaneqîn".to_string())));
        assert_eq!(parse_alternate_row("2\t94591\tlink\thttps://x\t\t\t\t\t\t").unwrap(), None);
    }
}
