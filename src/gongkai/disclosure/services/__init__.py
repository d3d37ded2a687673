"""Services for government information records: drafting (records.py) and review and publication
(review.py). Every function checks its ``can_*`` rule and writes one audit entry."""
