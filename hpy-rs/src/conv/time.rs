//! `std::time::Duration` ↔ `datetime.timedelta`.
//!
//! Rust → Python: `timedelta(days, seconds, microseconds)`, sub-microsecond nanoseconds
//! truncated (a `timedelta` has microsecond resolution); beyond `timedelta.max` the runtime's
//! `OverflowError`. Python → Rust: a `timedelta` (subclasses included); a negative one raises
//! `ValueError`, since a `Duration` cannot be negative.

use super::{FromHandle, IntoHandle};
use crate::ctx::Ctx;
use crate::err::{HPyErr, HPyResult};
use crate::exc;
use crate::global::Global;
use crate::handle::Handle;
use std::time::Duration;

static TIMEDELTA: Global = Global::new();

const SECONDS_PER_DAY: u64 = 86_400;

/// The `datetime.timedelta` class, imported on first use.
fn timedelta<'py>(ctx: Ctx<'py>) -> HPyResult<Handle<'py>> {
    TIMEDELTA.get_or_init(ctx, || ctx.import("datetime")?.getattr("timedelta"))
}

impl<'py> IntoHandle<'py> for Duration {
    fn into_handle(self, ctx: Ctx<'py>) -> HPyResult<Handle<'py>> {
        let secs = self.as_secs();
        let days = secs / SECONDS_PER_DAY;
        let seconds = secs % SECONDS_PER_DAY;
        timedelta(ctx)?.call((days, seconds, self.subsec_micros()))
    }
}

impl<'a, 'py> FromHandle<'a, 'py> for Duration {
    fn extract(obj: &'a Handle<'py>) -> HPyResult<Self> {
        let ctx = obj.ctx();
        if !obj.is_instance(&timedelta(ctx)?) {
            return Err(HPyErr::wrong_type("datetime.timedelta", obj));
        }
        // A timedelta is normalised: 0 <= seconds < 86400 and 0 <= microseconds < 10**6; only
        // `days` carries the sign.
        let days: i64 = obj.getattr(crate::intern!(ctx, "days"))?.extract()?;
        let seconds: u64 = obj.getattr(crate::intern!(ctx, "seconds"))?.extract()?;
        let micros: u32 = obj
            .getattr(crate::intern!(ctx, "microseconds"))?
            .extract()?;
        let Ok(days) = u64::try_from(days) else {
            return Err(exc::ValueError::new_err(
                "can't convert negative timedelta to Duration",
            ));
        };
        Ok(Duration::new(
            days * SECONDS_PER_DAY + seconds,
            micros * 1_000,
        ))
    }
}
