select 'unterminated; string
