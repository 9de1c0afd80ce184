"""The site's front pages: the home page, the elder-mode switch, the community directory and the data credits.

They sit above the domains they show (accounts, places, people), so `linli.core` stays at the bottom."""
