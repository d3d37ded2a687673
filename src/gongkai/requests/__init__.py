"""依申请公开 cases: intake, the statutory clock, transitions, reviews, import/export, public lookup."""
