using System.Buffers;
using System.Text;
using System.Text.Json;

namespace FeedService.Aggregation.Parsing;

/// <summary>
/// Salvages a JSON Feed that was cut off or breaks partway: keeps the top-level members and the "items" that were
/// complete before the first error, and rebuilds a well-formed document from them.
/// </summary>
internal static class JsonRecovery
{
    public static JsonDocument? TryRecover(string json, JsonDocumentOptions options)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions
        {
            AllowTrailingCommas = options.AllowTrailingCommas,
            CommentHandling = options.CommentHandling,
            MaxDepth = options.MaxDepth,
        });
        var output = new ArrayBufferWriter<byte>();
        var keptSomething = false;
        using (var writer = new Utf8JsonWriter(output))
        {
            try
            {
                if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
                writer.WriteStartObject();
                while (true)
                {
                    if (!reader.Read()) break;
                    if (reader.TokenType == JsonTokenType.EndObject) break;
                    var name = reader.GetString()!;
                    if (!reader.Read()) break;
                    if (name == "items" && reader.TokenType == JsonTokenType.StartArray)
                    {
                        writer.WriteStartArray("items");
                        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                        {
                            using var item = JsonDocument.ParseValue(ref reader);
                            item.WriteTo(writer);
                            keptSomething = true;
                        }
                        writer.WriteEndArray();
                        continue;
                    }
                    using var value = JsonDocument.ParseValue(ref reader);
                    writer.WritePropertyName(name);
                    value.WriteTo(writer);
                    keptSomething = true;
                }
                writer.WriteEndObject();
            }
            catch (JsonException)
            {
                CloseOpen(writer);
            }
        }
        return keptSomething ? JsonDocument.Parse(output.WrittenMemory, options) : null;
    }

    private static void CloseOpen(Utf8JsonWriter writer)
    {
        while (writer.CurrentDepth > 0)
        {
            if (writer.CurrentDepth == 2) writer.WriteEndArray(); // inside "items"
            else writer.WriteEndObject();
        }
    }
}
