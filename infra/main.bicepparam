using './main.bicep'

// Fill these in (docs/deploy.md lists every setting). Secrets are not here: set them in Key Vault.
param appName = 'funcsync-myshop'
param shop = 'myshop'
param shopifyShopDomain = 'my-shop.myshopify.com'
param shopifyApiVersion = '2026-04'
param etsyShopId = '12345678'
param etsyPollSchedule = '0 * * * * *'
param instanceMemoryMB = 2048
param maximumInstanceCount = 40
