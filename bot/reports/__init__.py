"""Leader reports: scope and period, the figures, and the chat, chart, Word and Excel forms."""
