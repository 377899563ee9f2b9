"""From segments to action: channel response, cross-sell, prospects, price sensitivity and life events.

Pure functions (`channels`, `best_channel`, `cross_sell`, `prospects`, `price`, `life_events`) beside
thin assets (`*_assets`); `published` lists the tables publication adds, `status` their capability
status, `action_audiences` the audiences exported from them.
"""
