using System.Globalization;

namespace FeedService.Aggregation.Parsing;

/// <summary>
/// Reads the dates feeds actually contain: RFC 822/1123 with any zone name or offset, missing seconds or day names,
/// 2-digit years, "Sept", ISO 8601 / RFC 3339 with or without zone or separators, "January 5th, 2004 10:00 PM EST"...
/// Works on tokens (numbers, times, words, offsets) rather than fixed patterns, so field order and punctuation may vary.
/// A date without a zone is taken as UTC. Results are always UTC.
/// </summary>
internal static class FeedDates
{
    private static readonly string[] MonthNames =
        ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];

    private static readonly string[] DayNames = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

    public static DateTimeOffset? Parse(string? raw) => TryParse(raw, out var value) ? value : null;

    public static bool TryParse(string? raw, out DateTimeOffset value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(raw)) return false;
        var text = raw.Trim();
        if (TryParseTokens(text, out value)) return true;
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var parsed))
        {
            value = parsed.ToUniversalTime();
            return true;
        }
        return false;
    }

    private static bool TryParseTokens(string text, out DateTimeOffset value)
    {
        value = default;
        var parts = new DateParts();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '(') { i = SkipComment(text, i); continue; }
            if (char.IsAsciiDigit(c)) { i = ReadNumberOrTime(text, i, ref parts); continue; }
            if (c is '+' or '-' && (parts.HasTime || parts.ZoneFromName) && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1]))
            {
                i = ReadOffset(text, i, ref parts);
                if (i < 0) return false;
                continue;
            }
            if (char.IsAsciiLetter(c)) { i = ReadWord(text, i, ref parts); continue; }
            i++; // separators: space , / - . and anything else
        }
        return parts.TryBuild(out value);
    }

    private static int SkipComment(string text, int i)
    {
        var end = text.IndexOf(')', i);
        return end < 0 ? text.Length : end + 1;
    }

    private static int ReadNumberOrTime(string text, int i, ref DateParts parts)
    {
        var start = i;
        while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
        if (i < text.Length && text[i] == ':' && i - start <= 2 && !parts.HasTime) return ReadTime(text, start, ref parts);
        var digits = text.AsSpan(start, i - start);
        if (digits.Length == 8 && parts.Year is null && parts.Numbers.Count == 0)
        {
            // Compact ISO 8601: 20240105[T101500]
            parts.Year = int.Parse(digits[..4], CultureInfo.InvariantCulture);
            parts.Month = int.Parse(digits[4..6], CultureInfo.InvariantCulture);
            parts.Day = int.Parse(digits[6..], CultureInfo.InvariantCulture);
        }
        else if (digits.Length is 4 or 6 && parts.Year is not null && parts.Day is not null && !parts.HasTime && i > 0 && text[start - 1] is 'T' or 't')
        {
            parts.Hour = int.Parse(digits[..2], CultureInfo.InvariantCulture);
            parts.Minute = int.Parse(digits[2..4], CultureInfo.InvariantCulture);
            parts.Second = digits.Length == 6 ? int.Parse(digits[4..], CultureInfo.InvariantCulture) : 0;
            parts.HasTime = true;
        }
        else if (digits.Length <= 4) parts.Numbers.Add((int.Parse(digits, CultureInfo.InvariantCulture), digits.Length));
        else parts.Invalid = true;
        return i;
    }

    private static int ReadTime(string text, int i, ref DateParts parts)
    {
        var fields = new List<int>(3);
        var fraction = 0.0;
        while (fields.Count < 3)
        {
            var start = i;
            while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
            if (i == start || i - start > 2) { parts.Invalid = true; return i; }
            fields.Add(int.Parse(text.AsSpan(start, i - start), CultureInfo.InvariantCulture));
            if (i < text.Length && text[i] == ':' && fields.Count < 3 && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1])) i++;
            else break;
        }
        if (fields.Count == 3 && i + 1 < text.Length && text[i] is '.' or ',' && char.IsAsciiDigit(text[i + 1]))
        {
            var start = ++i;
            while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
            fraction = double.Parse("0." + text[start..Math.Min(i, start + 7)], CultureInfo.InvariantCulture);
        }
        if (fields.Count < 2) { parts.Invalid = true; return i; }
        parts.Hour = fields[0];
        parts.Minute = fields[1];
        parts.Second = fields.Count == 3 ? fields[2] : 0;
        parts.Fraction = fraction;
        parts.HasTime = true;
        return i;
    }

    private static int ReadOffset(string text, int i, ref DateParts parts)
    {
        var sign = text[i] == '-' ? -1 : 1;
        var start = ++i;
        while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
        var digits = text.AsSpan(start, i - start);
        int hours, minutes = 0;
        if (digits.Length <= 2)
        {
            hours = int.Parse(digits, CultureInfo.InvariantCulture);
            if (i + 2 < text.Length && text[i] == ':' && char.IsAsciiDigit(text[i + 1]) && char.IsAsciiDigit(text[i + 2]))
            {
                minutes = int.Parse(text.AsSpan(i + 1, 2), CultureInfo.InvariantCulture);
                i += 3;
            }
        }
        else if (digits.Length <= 4)
        {
            hours = int.Parse(digits[..^2], CultureInfo.InvariantCulture);
            minutes = int.Parse(digits[^2..], CultureInfo.InvariantCulture);
        }
        else return -1;
        if (hours > 14 || minutes > 59) return -1;
        parts.Offset = sign * (TimeSpan.FromHours(hours) + TimeSpan.FromMinutes(minutes));
        parts.ZoneFromName = false;
        parts.HasZone = true;
        return i;
    }

    private static int ReadWord(string text, int i, ref DateParts parts)
    {
        var start = i;
        while (i < text.Length && char.IsAsciiLetter(text[i])) i++;
        var word = text[start..i];
        var lower = AsciiLower(word);
        var month = lower.Length >= 3 ? Array.FindIndex(MonthNames, m => m.StartsWith(lower, StringComparison.Ordinal)) : -1;
        if (lower is "am" or "pm" or "a" or "p" && parts.HasTime && !parts.HasZone)
        {
            parts.Meridiem = lower[0];
            if (i < text.Length && text[i] == '.') i++;
            if (i + 1 < text.Length && text[i] is 'm' or 'M' && text[i + 1] == '.') i += 2;
        }
        else if (month >= 0) parts.MonthFromName = month + 1;
        else if (lower.Length >= 2 && DayNames.Any(d => d.StartsWith(lower, StringComparison.Ordinal))) { }
        else if (TimeZoneAbbreviations.TryGet(word, out var offset))
        {
            parts.Offset = offset;
            parts.HasZone = true;
            parts.ZoneFromName = true;
        }
        else if (lower is "t" or "st" or "nd" or "rd" or "th" or "at" or "of" or "the") { }
        else parts.Invalid = true;
        return i;
    }

    private static string AsciiLower(string word) => string.Create(word.Length, word, static (span, s) =>
    {
        for (var k = 0; k < s.Length; k++) span[k] = char.IsAsciiLetterUpper(s[k]) ? (char)(s[k] + 32) : s[k];
    });

    /// <summary>The pieces found so far; numbers are assigned to day/month/year once everything has been read.</summary>
    private struct DateParts
    {
        public DateParts() { }
        public List<(int Value, int Digits)> Numbers = new(3);
        public int? Year, Month, Day, MonthFromName;
        public int Hour, Minute, Second;
        public double Fraction;
        public char Meridiem;
        public bool HasTime, HasZone, ZoneFromName, Invalid;
        public TimeSpan Offset;

        public readonly bool TryBuild(out DateTimeOffset value)
        {
            value = default;
            if (Invalid || !TryAssignDate(out var year, out var month, out var day)) return false;
            var hour = Hour;
            if (Meridiem == 'p' && hour < 12) hour += 12;
            if (Meridiem == 'a' && hour == 12) hour = 0;
            var extraDay = hour == 24 && Minute == 0 && Second == 0;
            if (extraDay) hour = 0;
            if (hour > 23 || Minute > 59 || Second > 60) return false;
            try
            {
                var local = new DateTime(year, month, day, hour, Minute, Math.Min(Second, 59), DateTimeKind.Unspecified)
                    .AddTicks((long)(Fraction * TimeSpan.TicksPerSecond))
                    .AddDays(extraDay ? 1 : 0);
                value = new DateTimeOffset(local, Offset).ToUniversalTime();
                return true;
            }
            catch (ArgumentOutOfRangeException)
            {
                return false;
            }
        }

        private readonly bool TryAssignDate(out int year, out int month, out int day)
        {
            year = month = day = 0;
            if (Year is { } y && Month is { } m && Day is { } d)
            {
                (year, month, day) = (y, m, d);
                return Numbers.Count == 0;
            }
            if (MonthFromName is { } named)
            {
                // "10 Jun 2003", "Jun 10 2003", "2003 Jun 10": the 4-digit number (or the later one) is the year.
                if (Numbers.Count != 2) return false;
                var (first, second) = (Numbers[0], Numbers[1]);
                var yearIsFirst = first.Digits == 4 || (first.Value > 31 && second.Digits <= 2 && second.Value <= 31);
                var (dayPart, yearPart) = yearIsFirst ? (second, first) : (first, second);
                (year, month, day) = (FullYear(yearPart), named, dayPart.Value);
                return dayPart.Digits <= 2;
            }
            if (Numbers.Count != 3) return false;
            var (a, b, c) = (Numbers[0], Numbers[1], Numbers[2]);
            if (a.Digits == 4) (year, month, day) = (a.Value, b.Value, c.Value);          // 2003-06-10, 2003/06/10
            else if (a.Value > 12) (year, month, day) = (FullYear(c), b.Value, a.Value);  // 25/12/2003
            else (year, month, day) = (FullYear(c), a.Value, b.Value);                    // 12/25/2003 (US order when ambiguous)
            return true;
        }

        /// <summary>Two-digit years as RFC 2822 reads them: 00-49 are 2000-2049, 50-99 are 1950-1999.</summary>
        private static int FullYear((int Value, int Digits) year) =>
            year.Digits > 2 ? year.Value : year.Value < 50 ? 2000 + year.Value : 1900 + year.Value;
    }
}
