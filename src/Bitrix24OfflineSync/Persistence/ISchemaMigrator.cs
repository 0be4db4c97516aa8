namespace Bitrix24OfflineSync.Persistence;

/// <summary>Creates and migrates the schema when the host starts; the operator verbs run it without starting the host.</summary>
internal interface ISchemaMigrator : IHostedService
{
}
