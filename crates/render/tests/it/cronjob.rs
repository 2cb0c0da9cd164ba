//! CronJob settings that are platc's defaults rather than Kubernetes'.

use platc_render::{Object, render};
use platc_spec::Platform;

use crate::load;

fn starting_deadline(platform: &Platform) -> Option<i64> {
    let rendered = render(platform, "production").unwrap_or_else(|d| panic!("{d:#?}"));
    rendered.objects.into_iter().find_map(|placed| match placed.object {
        Object::CronJob(cron) => cron.spec.and_then(|s| s.starting_deadline_seconds),
        _ => None,
    })
}

/// Without a deadline the controller starts every missed run late, however
/// late, and stops scheduling after 100 misses; with one, a run that cannot
/// start within the hour is skipped.
#[test]
fn a_run_may_start_up_to_an_hour_late_unless_the_service_says_otherwise() {
    let mut platform = load("routing");
    assert_eq!(starting_deadline(&platform), Some(3600));

    let report =
        platform.services.iter_mut().find(|s| s.name.as_str() == "report").expect("report");
    report.job.get_or_insert_with(Default::default).starting_deadline_seconds = Some(300);
    assert_eq!(starting_deadline(&platform), Some(300));
}
