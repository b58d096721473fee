using System.Globalization;
using System.Text;
using CsvHelper;

namespace FuncSync.Skus;

/// <summary>A report the seller downloads as CSV for a spreadsheet.</summary>
public static class CsvReport
{
    /// <summary>A seller's text in a report a spreadsheet opens: a leading =, +, - or @ would be read as a formula.</summary>
    public static string Cell(string? text) =>
        text is { Length: > 0 } && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + text : text ?? string.Empty;

    /// <summary>A header row of <paramref name="columns"/>, then what <paramref name="write"/> writes, as a file download.</summary>
    public static IResult File(string name, IReadOnlyList<string> columns, Action<CsvWriter> write)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(write);
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = new CsvWriter(text, CultureInfo.InvariantCulture, leaveOpen: true))
        {
            foreach (var column in columns)
            {
                csv.WriteField(column);
            }

            csv.NextRecord();
            write(csv);
        }

        return Results.File(Encoding.UTF8.GetBytes(text.ToString()), "text/csv; charset=utf-8", name);
    }
}
