namespace Bitrix24OfflineSync.Emulator.Crm;

/// <summary>The rows of one CRM entity and the user fields defined for it (a user field exists once any object set it).</summary>
internal sealed class CrmEntityTable(CrmEntityDefinition definition)
{
    private readonly List<string> _userFields = [];

    public CrmEntityDefinition Definition { get; } = definition;

    public KeyedRows Rows { get; } = new();

    public long LastId { get; set; }

    public IReadOnlyList<string> UserFields => _userFields;

    public bool HasUserField(string name) => _userFields.Contains(name, StringComparer.Ordinal);

    public void DefineUserField(string name)
    {
        if (!HasUserField(name))
        {
            _userFields.Add(name);
        }
    }

    public void RemoveUserField(string name) => _userFields.Remove(name);
}
