//! Cron schedules as Kubernetes CronJobs accept them: five fields (minute,
//! hour, day of month, month, day of week) or a macro such as `@hourly`.

/// The fields of a schedule: name, lowest and highest value, names allowed.
const FIELDS: [(&str, u32, u32, &[&str]); 5] = [
    ("minute", 0, 59, &[]),
    ("hour", 0, 23, &[]),
    ("day of month", 1, 31, &[]),
    (
        "month",
        1,
        12,
        &["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
    ),
    ("day of week", 0, 7, &["sun", "mon", "tue", "wed", "thu", "fri", "sat"]),
];

/// The macros Kubernetes accepts in place of five fields.
const MACROS: [&str; 8] =
    ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly", "@every"];

/// Checks a schedule; the error says which field is wrong and why.
pub fn check(schedule: &str) -> Result<(), String> {
    let trimmed = schedule.trim();
    if let Some(rest) = trimmed.strip_prefix("@every ") {
        return check_every(rest.trim());
    }
    if trimmed.starts_with('@') {
        return if MACROS[..7].contains(&trimmed) {
            Ok(())
        } else {
            Err(format!(
                "`{trimmed}` is not a schedule macro; use one of {}",
                MACROS[..7].join(", ")
            ))
        };
    }
    let fields: Vec<&str> = trimmed.split_whitespace().collect();
    if fields.len() != 5 {
        return Err(format!(
            "a schedule has 5 fields (minute hour day-of-month month day-of-week), this one has {}",
            fields.len()
        ));
    }
    for (field, (name, low, high, names)) in fields.iter().zip(FIELDS) {
        check_field(field, low, high, names)
            .map_err(|why| format!("the {name} field `{field}` {why}"))?;
    }
    Ok(())
}

fn check_every(duration: &str) -> Result<(), String> {
    let valid = !duration.is_empty()
        && duration.split_inclusive(|c: char| c.is_ascii_alphabetic()).all(|part| {
            let digits = part.trim_end_matches(|c: char| c.is_ascii_alphabetic());
            let unit = &part[digits.len()..];
            !digits.is_empty()
                && digits.bytes().all(|b| b.is_ascii_digit())
                && ["h", "m", "s"].contains(&unit)
        });
    if valid {
        Ok(())
    } else {
        Err(format!("`@every {duration}` needs a duration such as `1h30m`"))
    }
}

fn check_field(field: &str, low: u32, high: u32, names: &[&str]) -> Result<(), String> {
    for item in field.split(',') {
        let (range, step) = match item.split_once('/') {
            Some((range, step)) => (range, Some(step)),
            None => (item, None),
        };
        if let Some(step) = step {
            match step.parse::<u32>() {
                Ok(step) if step >= 1 && step <= high => {}
                _ => {
                    return Err(format!(
                        "has a step `/{step}` that is not a number from 1 to {high}"
                    ));
                }
            }
        }
        if range == "*" {
            continue;
        }
        let (start, end) = match range.split_once('-') {
            Some((start, end)) => (start, Some(end)),
            None => (range, None),
        };
        let start = value(start, low, high, names)?;
        if let Some(end) = end {
            let end = value(end, low, high, names)?;
            if end < start {
                return Err(format!("has a range `{range}` that runs backwards"));
            }
        }
    }
    Ok(())
}

fn value(text: &str, low: u32, high: u32, names: &[&str]) -> Result<u32, String> {
    if let Some(index) = names.iter().position(|n| n.eq_ignore_ascii_case(text)) {
        let first = u32::from(names.len() == 12);
        return Ok(u32::try_from(index).unwrap_or(0) + first);
    }
    match text.parse::<u32>() {
        Ok(v) if (low..=high).contains(&v) => Ok(v),
        Ok(v) => Err(format!("has {v}, outside {low}-{high}")),
        Err(_) if text.is_empty() => Err("has an empty value".to_owned()),
        Err(_) => Err(format!("has `{text}`, which is neither a number nor a name")),
    }
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn accepts_what_kubernetes_accepts() {
        for ok in [
            "*/5 * * * *",
            "30 2 * * *",
            "0 9-17 * * mon-fri",
            "0 0 1,15 * *",
            "@hourly",
            "@every 1h30m",
            "0 0 * jan,jul sun",
            "15 3 * * 7",
        ] {
            assert_eq!(check(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn explains_what_is_wrong() {
        assert_eq!(
            check("* * * *"),
            Err("a schedule has 5 fields (minute hour day-of-month month day-of-week), this one has 4".to_owned())
        );
        assert_eq!(
            check("60 * * * *"),
            Err("the minute field `60` has 60, outside 0-59".to_owned())
        );
        assert_eq!(
            check("0 17-9 * * *"),
            Err("the hour field `17-9` has a range `17-9` that runs backwards".to_owned())
        );
        assert_eq!(
            check("*/0 * * * *"),
            Err("the minute field `*/0` has a step `/0` that is not a number from 1 to 59"
                .to_owned())
        );
        assert_eq!(
            check("0 0 * * funday"),
            Err(
                "the day of week field `funday` has `funday`, which is neither a number nor a name"
                    .to_owned()
            )
        );
        assert!(check("@fortnightly").is_err());
        assert!(check("@every soon").is_err());
        assert!(check("0 0 0 * *").is_err(), "days of the month start at 1");
    }
}
