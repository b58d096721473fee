namespace FuncSync.Catalog;

/// <summary>A SKU's tags as the SKU map keeps them: one cell, ";"-separated, so a spreadsheet holds them in its own
/// column. Compared without case ("Spring-drop" and "spring-drop" are one tag), kept as first written.</summary>
public static class SkuTags
{
    public const int MaxLength = 50;
    public const int MaxPerSku = 20;

    public static IReadOnlyList<string> Parse(string? cell) =>
        string.IsNullOrWhiteSpace(cell)
            ? []
            : [.. cell.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.OrdinalIgnoreCase)];

    public static string Format(IReadOnlyList<string> tags) => string.Join(';', tags);

    /// <summary>What is wrong with <paramref name="tags"/>; null when nothing is.</summary>
    public static string? Problem(IReadOnlyList<string> tags) =>
        tags.Count > MaxPerSku ? $"tags: at most {MaxPerSku} per SKU."
        : tags.FirstOrDefault(t => t.Length > MaxLength || t.Any(char.IsControl)) is { } bad ? $"tags: \"{bad}\" is longer than {MaxLength} characters or holds a control character."
        : null;
}
