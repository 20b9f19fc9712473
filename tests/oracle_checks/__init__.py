"""Scripts that compare xraykit's leaves with the independent evaluator (iam-simulate, via Node)."""
