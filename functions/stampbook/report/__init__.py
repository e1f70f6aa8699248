"""The owner's report: who comes back, who drifts away, why they leave, what it costs.

`facts` holds what a store reader gathers (plain rows, money in integer
ten-thousandths); the section modules compute the figures from them, pure
and testable with hand-made rows; `build` puts the sections together.
`words` says them in the owner's language; `layout` lays them out as
tables for the terminal and the page, `charts` (drawn by `svg`) as charts,
and `html` makes the page.
"""
