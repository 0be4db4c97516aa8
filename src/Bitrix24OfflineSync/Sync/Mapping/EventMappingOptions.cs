namespace Bitrix24OfflineSync.Sync.Mapping;

/// <summary>The <c>Sync:Mappings</c> list: events beyond the built-in ones, and how to fetch what they changed.</summary>
internal sealed class EventMappingOptions
{
    public const string Section = "Sync";

    public List<MappingSettings> Mappings { get; set; } = [];
}
