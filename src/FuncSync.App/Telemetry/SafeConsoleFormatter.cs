using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace FuncSync.Telemetry;

/// <summary>The console log, one line per entry, in which nothing a sender controls can forge a line: order names,
/// SKUs and header values reach messages as they came, so control characters (newlines, carriage returns, terminal
/// escape codes) are written as <c>\n</c>, <c>\u001B</c>. An exception adds its type and message to the line and its
/// stack trace on indented lines below, rather than one line of many kilobytes.</summary>
public sealed class SafeConsoleFormatter() : ConsoleFormatter(FormatterName)
{
    public const string FormatterName = "funcsync";

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (message is null && logEntry.Exception is null)
        {
            return;
        }

        var line = new StringBuilder(message?.Length + 64 ?? 64);
        line.Append(Level(logEntry.LogLevel)).Append(": ").Append(logEntry.Category)
            .Append('[').Append(logEntry.EventId.Id.ToString(CultureInfo.InvariantCulture)).Append("] ");
        AppendEscaped(line, message ?? string.Empty);
        if (logEntry.Exception is { } exception)
        {
            line.Append(" (");
            for (Exception? current = exception; current is not null; current = current.InnerException)
            {
                line.Append(current == exception ? string.Empty : " ---> ").Append(current.GetType().FullName).Append(": ");
                AppendEscaped(line, current.Message);
            }

            line.Append(')');
        }

        textWriter.WriteLine(line.ToString());
        if (logEntry.Exception?.StackTrace is { } stack)
        {
            foreach (var frame in stack.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                textWriter.Write("      ");
                textWriter.WriteLine(frame);
            }
        }
    }

    /// <summary>Control characters as C-style escapes; everything printable as it is.</summary>
    public static void AppendEscaped(StringBuilder builder, string value)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(value);
        foreach (var c in value)
        {
            switch (c)
            {
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case '\\': builder.Append("\\\\"); break;
                default:
                    if (char.IsControl(c) || c is '\u2028' or '\u2029' or '\u0085')
                    {
                        builder.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }
    }

    public static string Escape(string value)
    {
        var builder = new StringBuilder(value.Length);
        AppendEscaped(builder, value);
        return builder.ToString();
    }

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => "none",
    };
}

public static class SafeConsoleLogging
{
    /// <summary>The console logger with <see cref="SafeConsoleFormatter"/>, the only console output FuncSync writes.</summary>
    public static ILoggingBuilder AddFuncSyncConsole(this ILoggingBuilder logging)
    {
        logging.AddConsole(options => options.FormatterName = SafeConsoleFormatter.FormatterName);
        logging.AddConsoleFormatter<SafeConsoleFormatter, ConsoleFormatterOptions>();
        return logging;
    }
}
