"""Services of 依申请公开 cases (architecture rule 1): intake, transitions, reviews, the clock, jobs."""
