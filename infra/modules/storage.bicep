// FuncSync's storage account: the queues, tables and blob containers the app uses (StorageNames in
// code), plus the container the Flex Consumption plan deploys the package from. No account keys are
// handed out: apps reach it with a managed identity and the Storage Blob/Queue/Table Data roles.

@description('Storage account name: 3-24 lower-case letters and digits, globally unique.')
@minLength(3)
@maxLength(24)
param name string

param location string

param tags object = {}

@description('Keep false: every client uses Microsoft Entra ID. True only for tools that still need a key.')
param allowSharedKeyAccess bool = false

@description('Blob container the Flex Consumption plan deploys the function app package from.')
param deploymentContainerName string = 'app-package'

// Must match src/FuncSync.App/Storage/StorageNames.cs (no prefix in Azure). The app also creates
// them at start-up, so a table added in code works before this list catches up.
var queueNames = [
  'inventory-events'
  'channel-push'
  'alerts'
  'shopify-level-checks'
  'channel-webhooks'
  'square-level-checks'
  'woocommerce-level-checks'
  'catalog-imports'
  'inventory-events-poison'
  'channel-push-poison'
  'alerts-poison'
  'shopify-level-checks-poison'
  'channel-webhooks-poison'
  'square-level-checks-poison'
  'woocommerce-level-checks-poison'
  'catalog-imports-poison'
]
var tableNames = [
  'Ledger'
  'SkuMap'
  'Pushes'
  'Watermarks'
  'Alerts'
  'Unmapped'
  'ChannelAuth'
  'ChannelBudgets'
  'ChannelState'
  'EtsyAuth'
  'DataProtectionKeys'
  'Monitoring'
  'Imports'
]
var containerNames = [
  deploymentContainerName
  'rejected-webhooks'
  'webhook-bodies'
  'funcsync-hosts'
  'imports'
]

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: 'Standard_LRS'
  }
  kind: 'StorageV2'
  properties: {
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    allowSharedKeyAccess: allowSharedKeyAccess
    defaultToOAuthAuthentication: true
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [
  for container in containerNames: {
    parent: blobService
    name: container
    properties: {
      publicAccess: 'None'
    }
  }
]

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource queues 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = [
  for queue in queueNames: {
    parent: queueService
    name: queue
  }
]

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource tables 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = [
  for table in tableNames: {
    parent: tableService
    name: table
  }
]

output name string = account.name
output id string = account.id
output blobEndpoint string = account.properties.primaryEndpoints.blob
output deploymentContainerUrl string = '${account.properties.primaryEndpoints.blob}${deploymentContainerName}'
