package sample

// The generator's vocabulary. Names are built from common French words on
// purpose: real customer names repeat "Boulangerie", "Martin" or "de Lyon"
// thousands of times, and name search (trigram lists) must be measured on
// that, not on random strings. These arrays are never modified.

// activities are the trades of a food and equipment distributor's
// customers, named after their owner or their place.
var activities = [...]string{
	"Boulangerie", "Boucherie", "Pâtisserie", "Restaurant", "Brasserie", "Hôtel", "Café",
	"Épicerie fine", "Traiteur", "Cave", "Fromagerie", "Transports", "Garage", "Pharmacie",
	"Charcuterie", "Poissonnerie", "Crêperie", "Pizzeria", "Bistrot", "Auberge", "Supérette",
	"Primeurs", "Chocolaterie", "Glacier", "Salon de thé", "Boulangerie-Pâtisserie",
	"Rôtisserie", "Bar", "Bar-Tabac", "Hôtel-Restaurant", "Maison", "Domaine", "Château",
	"Ferme", "Laiterie", "Torréfaction", "Brûlerie", "Biscuiterie", "Confiserie", "Épicerie",
	"Épicerie bio", "Snack", "Sandwicherie", "Friterie", "Caviste", "Distillerie",
	"Brasserie artisanale", "Minoterie", "Conserverie", "Salaisons", "Volailles", "Marée",
	"Restauration", "Grill", "Relais", "Gîte", "Chambres d'hôtes", "Table d'hôtes",
	"Boulangerie artisanale", "Pâtes fraîches", "Fumaison", "Vins & Spiritueux", "Comptoir",
	"Moulin", "Boucherie-Charcuterie", "Bar à vins", "Épicerie italienne", "Microbrasserie",
	"Ferme-auberge", "Pâtisserie-Chocolaterie",
}

// institutions are customers named after their place only: "Collège de
// Lyon", not "Collège Martin".
var institutions = [...]string{
	"Collège", "Lycée", "École", "EHPAD", "Clinique", "Crèche", "Centre hospitalier", "Foyer",
	"Cantine", "Cuisine centrale", "Golf", "Club nautique", "Cinéma", "Camping", "Halles",
	"Supermarché", "Résidence", "Cafétéria",
}

// surnames are common French family names, a few from neighbouring countries,
// roughly most common first (the generator favours the first ones).
var surnames = [...]string{
	"Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois", "Moreau",
	"Laurent", "Simon", "Michel", "Lefebvre", "Leroy", "Roux", "David", "Bertrand", "Morel",
	"Fournier", "Girard", "Bonnet", "Dupont", "Lambert", "Fontaine", "Rousseau", "Vincent",
	"Müller", "Lefèvre", "Faure", "André", "Mercier", "Blanc", "Guérin", "Boyer", "Garnier",
	"Chevalier", "François", "Legrand", "Gauthier", "García", "Perrin", "Robin", "Clément",
	"Morin", "Nicolas", "Henry", "Roussel", "Mathieu", "Gautier", "Masson", "Marchand",
	"Duval", "Denis", "Dumont", "Marie", "Lemaire", "Noël", "Meyer", "Dufour", "Meunier",
	"Brun", "Blanchard", "Giraud", "Joly", "Rivière", "Lucas", "Brunet", "Gaillard",
	"Barbier", "Arnaud", "Martínez", "Gérard", "Roche", "Renard", "Schmitt", "Roy", "Leroux",
	"Colin", "Vidal", "Caron", "Picard", "Roger", "Fabre", "Aubert", "Lemoine", "Renaud",
	"Dumas", "Lacroix", "Olivier", "Philippe", "Bourgeois", "Pierre", "Benoît", "Rey",
	"Leclerc", "Payet", "Rolland", "Leclercq", "Guillaume", "Lecomte", "López", "Jean",
	"Dupuy", "Guillot", "Hubert", "Berger", "Carpentier", "Sánchez", "Dupuis", "Moulin",
	"Louis", "Deschamps", "Huet", "Vasseur", "Pérez", "Boucher", "Fleury", "Royer", "Klein",
	"Jacquet", "Adam", "Paris", "Poirier", "Marty", "Aubry", "Guyot", "Carré", "Charles",
	"Renault", "Charpentier", "Ménard", "Maillard", "Baron", "Bertin", "Bailly", "Hervé",
	"Schneider", "Fernández", "Le Gall", "Collet", "Léger", "Bouvier", "Julien", "Prévost",
	"Millet", "Perrot", "Daniel", "Le Roux", "Cousin", "Germain", "Breton", "Besson",
	"Langlois", "Rémy", "Le Goff", "Pelletier", "Lévêque", "Perrier", "Leblanc", "Barré",
	"Lebrun", "Marchal", "Weber", "Mallet", "Hamon", "Boulanger", "Jacob", "Monnier",
	"Michaud", "Rodríguez", "Guichard", "Gillet", "Étienne", "Grondin", "Poulain", "Tessier",
	"Chevallier", "Collin", "Chauvin", "Da Silva", "Bouchet", "Gay", "Lemaître", "Bénard",
	"Maréchal", "Humbert", "Reynaud", "Antoine", "Hoarau", "Perret", "Barthélemy", "Cordier",
	"Pichon", "Lejeune", "Gilbert", "Lamy", "Delaunay", "Pasquier", "Carlier", "Laporte",
	"Dupré", "Dubœuf", "Bousquet", "Cazenave", "Delmas", "Escoffier", "Courtois", "Texier",
	"Vallée", "Chevrier", "Hébert", "Gosselin", "Lebon", "Duclos", "Lainé", "Joubert",
	"Ferrand", "Delorme", "Besnard", "Pottier", "Bazin", "Charrier", "Tanguy", "Camus",
	"Bigot", "Ollivier", "Briand", "Descamps", "Gros", "Marc", "Launay", "Ledoux", "Verdier",
	"Buisson", "Guillou", "Grenier", "Navarro", "Blondel", "Riou", "Vial", "Brunel",
	"Thibault", "Lacombe", "Pons", "Poulet", "Delattre", "Bouvet", "Rousset", "Ricard",
	"Maury", "Lebreton", "Mignot", "Peltier", "Raynaud", "Bruneau", "Lévy", "Jourdan",
	"Favre", "Jacques", "Leduc", "Cohen", "Boulay", "Thierry", "Le Bihan", "Guillon",
	"Cochet", "Lebeau", "Marin", "Chauvet", "Besse", "Deville", "Hamel", "Allard", "Bodin",
	"Coulon", "Gaudin", "Pascal", "Bourdon", "Baudry", "Sauvage", "Devaux", "Tournier",
	"Labbé", "Chrétien", "Hernández", "Morvan", "Couturier", "Lefort", "Valentin",
	"Guillemin", "Lesage", "Maillot", "Toussaint", "Hardy", "Rossi", "Ferreira", "Pereira",
	"Nguyen", "Benali", "Haddad", "Kowalski", "Schwartz", "Fischer", "Costa", "Marchetti",
}

// firstNames name the people of the directory.
var firstNames = [...]string{
	"Marie", "Jean", "Nathalie", "Pierre", "Isabelle", "Michel", "Sylvie", "Philippe",
	"Catherine", "Alain", "Françoise", "Nicolas", "Christine", "Christophe", "Sophie",
	"Stéphane", "Valérie", "Laurent", "Sandrine", "Frédéric", "Céline", "Éric", "Véronique",
	"Julien", "Aurélie", "Sébastien", "Émilie", "Thomas", "Julie", "David", "Camille",
	"Olivier", "Claire", "François", "Hélène", "Jérôme", "Amélie", "Benoît", "Noémie",
	"Loïc", "Anaïs", "Gaëlle", "Maël", "Chloé", "Zoé", "Léa", "Inès", "Théo", "Clémence",
	"Hugo", "Manon", "Lucas", "Océane", "Maxime", "Mathilde", "Antoine", "Élodie",
	"Guillaume", "Laure", "Rémi", "Agnès", "Cédric", "Béatrice", "Yannick", "Solène",
	"Grégory", "Joëlle", "Hervé", "Brigitte", "Gérard", "Annick", "Raphaël", "Margaux",
	"Baptiste", "Pauline", "Quentin", "Estelle", "Fabien", "Mélanie", "Aurélien",
}

// places follow an activity: "Hôtel du Vieux Port", "Pharmacie de la Gare",
// "Traiteur de Lyon". Each carries its own preposition.
var places = [...]string{
	"du Vieux Port", "du Marché", "de la Gare", "de la Place", "du Centre", "de l'Église",
	"du Château", "du Port", "du Lac", "de la Plage", "des Halles", "du Pont", "de la Mairie",
	"du Moulin", "des Arts", "de la Poste", "du Parc", "des Remparts", "de la Cathédrale",
	"du Canal", "des Quais", "de la Fontaine", "du Stade", "des Vignes", "de la Forêt",
	"du Théâtre", "de l'Hôtel de Ville", "des Alpes", "de la Côte", "du Cours", "du Faubourg",
	"de la Bastide", "de Lyon", "de Marseille", "de Paris", "de Bordeaux", "de Toulouse",
	"de Nantes", "de Lille", "de Strasbourg", "de Nice", "de Rennes", "de Montpellier",
	"de Reims", "de Dijon", "de Grenoble", "d'Angers", "de Nîmes", "d'Aix", "de Brest",
	"du Mans", "de Tours", "d'Amiens", "de Limoges", "de Besançon", "de Metz", "de Perpignan",
	"d'Orléans", "de Caen", "de Rouen", "de Mulhouse", "de Nancy", "d'Avignon", "de Poitiers",
	"de La Rochelle", "de Pau", "de Bayonne", "d'Annecy", "de Chambéry", "de Colmar",
	"de Saint-Étienne", "de Clermont", "de Béziers", "de Sète", "d'Arles", "de Cannes",
	"d'Antibes", "de Valence", "de Troyes", "de Vannes", "de Quimper", "de Lorient",
	"de Saint-Malo", "de Dunkerque", "de Calais", "de Chartres", "de Bourges", "de Cahors",
	"de Rodez", "d'Albi", "de Montauban", "d'Agen", "de Périgueux", "de Niort",
	"d'Angoulême", "de Laval", "du Havre", "d'Évreux", "de Beauvais", "de Compiègne",
	"de Vichy", "de Mâcon", "de Roanne", "de Gap", "de Bastia", "d'Ajaccio", "de Menton",
	"de Fréjus", "d'Hyères", "de Carcassonne",
}

// legalForms end "<surname> <legal form>" names.
var legalForms = [...]string{"SARL", "SAS", "SA", "EURL", "SASU", "SNC", "& Cie", "Frères"}

// suffixes optionally end "<activity> <surname>" names.
var suffixes = [...]string{"& Fils", "& Cie", "Frères", "SARL", "SAS", "et Fille", "Père & Fils", "& Associés"}
